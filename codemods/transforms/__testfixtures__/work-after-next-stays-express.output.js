const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server();

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: work after next()
legacyApp.use((req, res, next) => {
  const started = Date.now();
  next();
  console.log('took', Date.now() - started);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
