'use strict';

const express = require('express');

const app = express();

// No framework banner on any answer, Express's 404 page included.
app.disable('x-powered-by');

app.get('/ok', (req, res) => {
  res.json({ ok: true });
});

app.get('/padded', (req, res) => {
  res.jsonp({ padded: true });
});

app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message });
});

module.exports = app;
