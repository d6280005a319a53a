const express = require('express');
const app = express();

app.get('/check', (req, res) => {
  if (!req.query.token) {
    return res.status(401).json({ error: 'token required' });
  }
  if (req.query.token !== 'secret') return res.status(403).json({ error: 'bad token' });
  return res.json({ ok: true });
});

module.exports = app;
