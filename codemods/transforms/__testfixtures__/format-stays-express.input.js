const express = require('express');
const app = express();

const byType = {
  json: (req, res) => res.json({ ok: true }),
};

// A format object built elsewhere: its keys are only known at run time.
app.get('/computed', (req, res) => {
  res.format(byType);
});

// Express passes (req, res, next) to each callback.
app.get('/params', (req, res) => {
  res.format({
    json: (rq, rs) => rs.json({ ok: true }),
  });
});

// The callback returns a value to res.format, which ignores it; code follows.
app.get('/returns', (req, res) => {
  res.format({
    json: () => {
      return 42;
    },
  });
  res.set('x-after', 'yes');
});

app.get('/ok', (req, res) => res.json({ ok: true }));

module.exports = app;
