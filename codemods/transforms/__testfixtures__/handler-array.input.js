const express = require('express');
const app = express();

function logged(req, res, next) {
  console.log(req.method, req.originalUrl);
  next();
}

function timed(req, res, next) {
  res.set('X-Started', String(Date.now()));
  next();
}

app.get('/array', [logged, timed], (req, res) => {
  res.json({ ok: true });
});

module.exports = app;
