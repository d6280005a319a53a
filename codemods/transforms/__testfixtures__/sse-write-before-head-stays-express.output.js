const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: the response is used before res.flushHeaders() other than to set the head
legacyApp.get('/stream', (req, res) => {
  if (!req.query.topic) return res.status(400).json({ error: 'topic required' });
  res.set('Content-Type', 'text/event-stream');
  res.flushHeaders();
  res.write(`data: ${req.query.topic}\n\n`);
});

// expressway-todo: res.flushHeaders writes the head directly
legacyApp.get('/json-flush', (req, res) => {
  res.set('Content-Type', 'application/json');
  res.flushHeaders();
  res.end('{}');
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
