const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server(
  { middlewareOrder: 'registration', malformedPath: 'express', autoOptions: 'express4' }
);

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/public', async (ctx) => ctx.json({ public: true }));

// Only routes below need a token.
app.requestMiddleware(async (ctx) => {
  if (!ctx.header('authorization')) {
    ctx.status = 401;
    ctx.text('Unauthorized');
    ctx.abort();
  }
});

app.get('/private', async (ctx) => ctx.json({ private: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
