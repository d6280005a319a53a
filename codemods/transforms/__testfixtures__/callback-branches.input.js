const express = require('express');
const cache = require('./cache');
const app = express();

app.get('/cached/:key', (req, res, next) => {
  cache.lookup(req.params.key, (err, hit) => {
    if (err) {
      next(err);
    } else if (hit) {
      res.set('X-Cache', 'hit');
      res.send(hit);
    } else {
      res.status(404).json({ miss: true });
    }
  });
});

module.exports = app;
