const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/fail', async (ctx) => {
  const err = new Error('nope');
  err.status = 400;
  throw err;
});

app.get('/fail-async', async (ctx) => {
  try {
    ctx.json(await load());
  } catch (e) {
    throw e;
  }
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
