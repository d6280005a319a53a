const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server();

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

app.get('/public', async (ctx) => ctx.json({ public: true }));

// Only routes below need a token.
// expressway-todo: middleware registered between routes (Express runs it only for the routes after it)
legacyApp.use((req, res, next) => {
  if (!req.get('authorization')) return res.sendStatus(401);
  next();
});

// expressway-todo: middleware registered between routes (Express runs it only for the routes after it)
legacyApp.get('/private', (req, res) => res.json({ private: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
