const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const db = require('./db');
const models = require('./models/user');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// Awaits, then answers from a timer that races the database: an executor cannot hold the await.
// expressway-todo: res is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: answers from a callback in a handler that also awaits
legacyApp.get('/users/:id', async (req, res) => {
  const user = await models.findById(req.params.id);
  const timer = setTimeout(() => res.status(504).json({ error: 'timeout' }), 500);
  db.get(user.id, (err, row) => {
    clearTimeout(timer);
    res.json(row);
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
