const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server();

// Express answers what no route matches, as before: its 404 page, also for a known path with another method.
const legacyApp = express();

app.get('/boom', async (ctx) => {
  throw new Error('boom');
});

// Central error handler.
app.panicHook(async (ctx, err) => {
  ctx.json({ error: err.message }, err.status || 500);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
