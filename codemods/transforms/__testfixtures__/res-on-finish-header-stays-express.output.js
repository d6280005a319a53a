const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const types = [];

// Reads a header back after the answer: the runtime does not keep its headers on the raw response.
// expressway-todo: middleware runs through fromExpress: res.getHeader inside a res.on listener
app.requestMiddleware(fromExpress((req, res, next) => {
  res.on('finish', () => {
    types.push(res.getHeader('content-type'));
  });
  next();
}));

app.get('/types', async (ctx) => {
  ctx.json(types);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
