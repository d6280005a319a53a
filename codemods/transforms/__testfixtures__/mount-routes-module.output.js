const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const usersRouter = require('./routes/users');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

if (typeof usersRouter === 'function')
  app.requestMiddleware('/users', fromExpress(usersRouter, { path: '/users' }));
else
  app.mount('/users', usersRouter);

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
