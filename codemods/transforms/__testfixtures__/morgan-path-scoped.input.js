'use strict';

const express = require('express');
const morgan = require('morgan');

const app = express();

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

// Only the API is logged; the line is written after Express put /api back on req.url.
app.use('/api', morgan('tiny'));

app.get('/api/items', (req, res) => {
  res.json([]);
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
