const express = require('express');
const app = express();

app.get('/boom', (req, res) => {
  throw new Error('boom');
});

// Passes the error on when it cannot answer: stays Express code.
app.use((err, req, res, next) => {
  if (err.expose === false) return next(err);
  res.status(500).json({ error: err.message });
});

module.exports = app;
