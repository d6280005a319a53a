const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.delete('/items/{id}', async (ctx) => {
  ctx.status = 204;
  ctx.text('No Content');
});

app.get('/forbidden', async (ctx) => {
  ctx.status = 403;
  ctx.text('Forbidden');
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
