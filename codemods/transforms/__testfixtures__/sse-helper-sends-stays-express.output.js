const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

function fail(res, message) {
  res.write(`event: error\ndata: ${message}\n\n`);
  res.json({ error: message });
}

// expressway-todo: fail uses its response parameter other than to call .write() or .end()
legacyApp.get('/stream', (req, res) => {
  res.set('Content-Type', 'text/event-stream');
  res.flushHeaders();
  fail(res, 'not ready');
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
