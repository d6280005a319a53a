// A small Express app.
const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

/** Health check. */
app.get('/health', async (ctx) => {
  ctx.json({ ok: true }); // always up
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
