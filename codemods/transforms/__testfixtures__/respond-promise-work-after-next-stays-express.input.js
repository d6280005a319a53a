const express = require('express');
const cache = require('./cache');
const app = express();

// Express runs the next handler inside next(), before the log line: the promise cannot keep that order.
app.use((req, res, next) => {
  const timer = setTimeout(() => res.status(504).end(), 500);
  cache.lookup(req.query.key, (err, hit) => {
    clearTimeout(timer);
    next();
    console.log('after next', hit);
  });
});

app.get('/', (req, res) => res.json({ ok: true }));

module.exports = app;
