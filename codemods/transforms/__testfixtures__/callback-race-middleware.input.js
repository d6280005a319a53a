const express = require('express');
const cache = require('./cache');
const app = express();

// Middleware racing a slow cache: a hit answers, a miss or a timeout moves on, an error goes to the error handler.
app.use(function cached(req, res, next) {
  let done = false;
  const timer = setTimeout(() => {
    done = true;
    next();
  }, 200);
  cache.lookup(req.query.key, (err, hit) => {
    if (done) return;
    clearTimeout(timer);
    if (err) return next(err);
    if (hit) return res.set('X-Cache', 'hit').json({ cached: hit });
    next();
  });
});

app.get('/page', (req, res) => {
  res.json({ page: true });
});

app.use((err, req, res, next) => {
  res.status(502).json({ error: err.message });
});

module.exports = app;
