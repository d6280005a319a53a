const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

async function requireKey(ctx) {
  if (ctx.header('x-api-key') !== 'k') {
    ctx.json({ error: 'unauthorized' }, 401);
    ctx.abort();
    return;
  }
}

app.requestMiddleware(requireKey);

app.get('/secret', async (ctx) => ctx.json({ secret: 42 }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
