const express = require('express');
const db = require('./db');
const app = express();

// A timer races the database: whichever answers first decides, the other is ignored.
app.get('/health', function (req, res) {
  var answered = false;
  var timer = setTimeout(function () {
    answered = true;
    res.status(503).json({ status: 'unavailable', db: 'timeout' });
  }, 200);

  // The predicate's value matters: it stays an expression.
  var mode = ['fast', 'err', 'slow', 'late'].find((m) => m === req.query.mode);
  db.ping(mode, function (err) {
    if (answered) return;
    clearTimeout(timer);
    if (err) return res.status(503).json({ status: 'unavailable', db: err.message });
    res.json({ status: 'ok', db: 'up' });
  });
});

module.exports = app;
