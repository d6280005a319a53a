const express = require('express');

const app = express();

app.get('/stream', (req, res) => {
  if (!req.query.topic) return res.status(400).json({ error: 'topic required' });
  res.set('Content-Type', 'text/event-stream');
  res.flushHeaders();
  res.write(`data: ${req.query.topic}\n\n`);
});

app.get('/json-flush', (req, res) => {
  res.set('Content-Type', 'application/json');
  res.flushHeaders();
  res.end('{}');
});

module.exports = app;
