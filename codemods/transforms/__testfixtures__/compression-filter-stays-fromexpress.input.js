'use strict';

const express = require('express');
const compression = require('compression');

const app = express();

// A custom filter reads Express req/res: compression stays on Express.
app.use(compression({
  filter: (req, res) => (req.headers['x-no-compression'] ? false : compression.filter(req, res)),
}));

app.get('/data', (req, res) => {
  res.json({ ok: true });
});

module.exports = app;
