const express = require('express');
const { Server, jsonBody } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(jsonBody());

app.post('/signup', async (ctx) => {
  if (!/^[^@\s]+@[^@\s]+$/.test(ctx.requestBody.email)) {
    ctx.json({ error: 'bad email' }, 400);
    return;
  }
  ctx.json({ email: ctx.requestBody.email }, 201);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
