const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server();

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// expressway-todo: res.on listens to the raw response
legacyApp.use((req, res, next) => {
  res.on('finish', () => console.log(res.statusCode));
  next();
});

app.get('/', async (ctx) => ctx.json({}));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
