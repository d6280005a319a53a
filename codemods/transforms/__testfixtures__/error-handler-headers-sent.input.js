const express = require('express');
const app = express();

app.get('/boom', (req, res) => {
  throw new Error('boom');
});

// Too late to answer once the head is out: Express's final handler cuts the connection.
app.use((err, req, res, next) => {
  if (res.headersSent) return next(err);
  res.status(500).json({ error: err.message });
});

module.exports = app;
