const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// expressway-todo: middleware runs through fromExpress: res.getHeader inside a res.on listener
app.requestMiddleware(fromExpress((req, res, next) => {
  res.on('finish', () => console.log(res.getHeader('content-type')));
  next();
}));

app.get('/', async (ctx) => ctx.json({}));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
