const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.head('/ping', async (ctx) => {
  ctx.status = 200;
  ctx.body = null;
});

app.get('/text', async (ctx) => {
  ctx.body = 'done';
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
