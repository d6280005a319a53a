const express = require('express');
const db = require('./db');

const app = express();

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

// Bad ids and unknown users fall through: the audit middleware and the 404 handler below answer them.
app.get('/users/:id', (req, res, next) => {
  if (!/^\d+$/.test(req.params.id)) return next();
  db.get(req.params.id, (err, user) => {
    if (err) return next(err);
    if (!user) return next();
    res.json(user);
  });
});

// A later route takes what this one hands on: it stays on Express, where next() reaches it.
app.get('/posts/:id', (req, res, next) => {
  if (req.params.id === 'latest') return next();
  res.json({ post: req.params.id });
});

app.get('/posts/latest', (req, res) => {
  res.json({ post: 'latest' });
});

app.use((req, res, next) => {
  req.audited = true;
  next();
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found', audited: req.audited === true });
});

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message });
});

module.exports = app;
