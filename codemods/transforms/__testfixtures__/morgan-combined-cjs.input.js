'use strict';

const express = require('express');
const morgan = require('morgan');

const app = express();

// One access-log line per request, Apache combined format.
app.use(morgan('combined'));

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
