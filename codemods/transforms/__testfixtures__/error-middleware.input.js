const express = require('express');
const app = express();

app.get('/boom', (req, res) => {
  throw new Error('boom');
});

// Central error handler.
app.use((err, req, res, next) => {
  res.status(err.status || 500).json({ error: err.message });
});

module.exports = app;
