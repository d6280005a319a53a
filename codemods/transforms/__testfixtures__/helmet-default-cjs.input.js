'use strict';

const express = require('express');
const helmet = require('helmet');

const app = express();

// Security headers on every answer, Express's own 404 page included.
app.use(helmet());

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

module.exports = app;
