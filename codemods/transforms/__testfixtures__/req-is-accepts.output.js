const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const typeis = require('type-is');
const accepts = require('accepts');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.post('/upload', async (ctx) => {
  if (!typeis(ctx.req, ['json'])) {
    ctx.json({ error: 'json only' }, 415);
    return;
  }
  const type = accepts(ctx.req).types(['json', 'html']);
  ctx.json({ type });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
