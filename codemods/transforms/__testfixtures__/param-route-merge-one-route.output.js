const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// app.param('id'): the GET /items/:id route below runs it first.
const idParam = async (ctx) => {
  let id = ctx.params.id;
  ctx.state.item = { id };
};

const idRoute = async (ctx) => ctx.json(ctx.state.item);

// GET /items/:id and app.param('id') as one route.
app.get('/items/{id}', async (ctx) => {
  await idParam(ctx);
  if (ctx.aborted) return;
  await idRoute(ctx);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
