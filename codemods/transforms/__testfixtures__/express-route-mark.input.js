const express = require('express');
const { Readable } = require('stream');

const app = express();
const seen = [];

// Keyed by the route pattern once the response is out, as metrics middleware do.
app.use((req, res, next) => {
  res.on('finish', () => {
    seen.push(`${req.method} ${req.route ? `${req.baseUrl}${req.route.path}` : '(unmatched)'} ${res.statusCode}`);
  });
  next();
});

app.get('/items/:id?', (req, res) => {
  res.json({ id: req.params.id ?? null });
});

app.get(/^\/archive\/(\d{4})(?:\/(\d{2}))?\/?$/, (req, res) => {
  res.json({ year: req.params[0], month: req.params[1] || null });
});

app.get('/feed', (req, res) => {
  res.type('application/x-ndjson');
  Readable.from(['{"a":1}\n', '{"b":2}\n']).pipe(res);
});

app.use('/admin', (req, res, next) => {
  if (req.get('x-admin') !== 'yes') return res.status(401).json({ error: 'admin only' });
  next();
});

app.get('/admin/seen', (req, res) => {
  res.json(seen);
});

module.exports = app;
