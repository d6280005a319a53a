const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/check', async (ctx) => {
  if (!ctx.query.token) {
    ctx.json({ error: 'token required' }, 401);
    return;
  }
  if (ctx.query.token !== 'secret') {
    ctx.json({ error: 'bad token' }, 403);
    return;
  }
  ctx.json({ ok: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
