const express = require('express');

const app = express();

app.get('/ok', (req, res) => {
  res.json({ ok: true });
});

// res.format stays on Express; its errors still reach the app's error handler.
app.get('/page', (req, res) => {
  res.format({
    json: () => res.json({ page: 1 }),
    default: () => {
      throw new Error('no page in this format');
    },
  });
});

// No 404 handler: Express answers unknown paths (and known paths with another method) with its own 404 page.
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message });
});

module.exports = app;
