const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

const byType = {
  json: (req, res) => res.json({ ok: true }),
};

// A format object built elsewhere: its keys are only known at run time.
// expressway-todo: res.format with an object computed at run time
legacyApp.get('/computed', (req, res) => {
  res.format(byType);
});

// Express passes (req, res, next) to each callback.
// expressway-todo: the res.format 'json' callback takes parameters (Express passes req, res, next)
legacyApp.get('/params', (req, res) => {
  res.format({
    json: (rq, rs) => rs.json({ ok: true }),
  });
});

// The callback returns a value to res.format, which ignores it; code follows.
// expressway-todo: the res.format 'json' callback returns, and code follows res.format
legacyApp.get('/returns', (req, res) => {
  res.format({
    json: () => {
      return 42;
    },
  });
  res.set('x-after', 'yes');
});

app.get('/ok', async (ctx) => ctx.json({ ok: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
