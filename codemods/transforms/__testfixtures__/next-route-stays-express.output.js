const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server();

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: next('route') skips to another route
legacyApp.get('/users/:id', (req, res, next) => {
  if (req.params.id === 'me') return next('route');
  res.json({ id: req.params.id });
});

app.get('/users/{id}', async (ctx) => {
  ctx.json({ me: true });
});

app.notFound(mountExpress(legacyApp));

module.exports = app.handler;
