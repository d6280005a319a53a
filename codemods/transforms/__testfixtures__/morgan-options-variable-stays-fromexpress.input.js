'use strict';

const express = require('express');
const morgan = require('morgan');
const logOptions = require('./log-options');

const app = express();

// Options from elsewhere: their shape is not known here, so morgan stays behind fromExpress.
app.use(morgan('tiny', logOptions));
app.use(morgan('short', { ...logOptions, immediate: false }));
// Logged while Express has /admin stripped from req.url.
app.use('/admin', morgan('dev', { immediate: true }));

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
