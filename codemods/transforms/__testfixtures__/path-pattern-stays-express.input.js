const express = require('express');
const app = express();

app.get('/ab?cd', (req, res) => {
  res.send('matched');
});

app.get('/ok', (req, res) => {
  res.json({ ok: true });
});

module.exports = app;
