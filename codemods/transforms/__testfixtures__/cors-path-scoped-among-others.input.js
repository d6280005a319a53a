'use strict';

const express = require('express');
const cors = require('cors');
const config = require('./config');
const { apiLimiter } = require('./rate-limits');

const app = express();

app.use(
  '/api',
  cors({ origin: config.corsOrigins, credentials: true, maxAge: 600 }),
  apiLimiter,
  express.json({ limit: '100kb' }),
);

app.get('/api/items', (req, res) => {
  res.json([]);
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
