'use strict';

const express = require('express');

const app = express();

// Hide the framework from scanners.
app.disable('x-powered-by');
app.set('json spaces', 2); // readable answers

app.get('/ok', (req, res) => {
  res.json({ ok: true });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
