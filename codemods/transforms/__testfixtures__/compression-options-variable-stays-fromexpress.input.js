'use strict';

const express = require('express');
const compression = require('compression');
const options = require('./compression-options');

const app = express();

app.use(compression(options));

app.get('/data', (req, res) => {
  res.json({ ok: true });
});

module.exports = app;
