const express = require('express');
const app = express();

app.get('/computed', (req, res) => {
  const value = compute(req.query);
  res.send(value);
});

module.exports = app;
