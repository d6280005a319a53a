const express = require('express');
const app = express();

app.post('/upload', (req, res) => {
  if (!req.is('json')) return res.status(415).json({ error: 'json only' });
  const type = req.accepts(['json', 'html']);
  res.json({ type });
});

module.exports = app;
