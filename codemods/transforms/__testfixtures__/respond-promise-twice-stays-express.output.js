const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// One callback may answer twice on one path (Express throws ERR_HTTP_HEADERS_SENT): stays on Express.
// expressway-todo: res is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: may respond twice (Express sends the first response only)
legacyApp.get('/users/:id', (req, res) => {
  const timer = setTimeout(() => res.status(504).json({ error: 'timeout' }), 500);
  db.get(req.params.id, (err, row) => {
    clearTimeout(timer);
    if (!row) res.status(404).json({ error: 'not found' });
    res.json(row);
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
