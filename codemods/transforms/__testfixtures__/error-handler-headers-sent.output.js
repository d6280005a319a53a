const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/boom', async (ctx) => {
  throw new Error('boom');
});

// Too late to answer once the head is out: Express's final handler cuts the connection.
const handleError = async (ctx, err) => {
  if (ctx.committed) return;
  ctx.json({ error: err.message }, 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
