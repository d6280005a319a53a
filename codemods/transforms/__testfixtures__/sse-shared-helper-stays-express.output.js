const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// Also used by /cursor: translating it for the stream would break that route.
function cursorOf(req) {
  return Number(req.query.cursor) || 0;
}

// expressway-todo: the request object is passed around as a value
legacyApp.get('/cursor', (req, res) => {
  res.json({ cursor: cursorOf(req) });
});

// expressway-todo: cursorOf is also called from other code of the module (line 11)
legacyApp.get('/stream', (req, res) => {
  res.set('Content-Type', 'text/event-stream');
  res.flushHeaders();
  res.write(`data: ${cursorOf(req)}\n\n`);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
