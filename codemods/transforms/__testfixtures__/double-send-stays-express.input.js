const express = require('express');
const app = express();

app.get('/twice', (req, res) => {
  if (req.query.a) {
    res.json({ a: true });
  }
  res.json({ a: false });
});

module.exports = app;
