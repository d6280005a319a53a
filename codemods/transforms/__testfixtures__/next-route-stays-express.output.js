const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: next('route') skips to another route
legacyApp.get('/users/:id', (req, res, next) => {
  if (req.params.id === 'me') return next('route');
  res.json({ id: req.params.id });
});

// expressway-todo: an earlier route that stays on Express matches the same requests (Express tried it first)
legacyApp.get('/users/:id', (req, res) => {
  res.json({ me: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
