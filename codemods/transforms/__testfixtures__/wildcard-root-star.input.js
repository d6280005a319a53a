const express = require('express');

const app = express();

app.get('/api/*', (req, res) => {
  res.json({ api: req.params[0] });
});

// "*" alone captures the whole path, leading slash included.
app.get('*', (req, res) => {
  res.status(404).json({ missing: req.params[0] });
});

module.exports = app;
