'use strict';

const fs = require('fs');
const express = require('express');
const morgan = require('morgan');

const app = express();
const accessLog = fs.createWriteStream('/tmp/access.log', { flags: 'a' });

app.use(morgan('common', { stream: accessLog }));

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
