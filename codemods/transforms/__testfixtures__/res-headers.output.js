const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/headers', async (ctx) => {
  ctx.setHeader('X-One', '1');
  ctx.setHeader('X-Two', '2');
  ctx.setHeader('X-Three', '3');
  ctx.appendHeader('Link', '<http://localhost/>');
  ctx.appendHeader('Vary', 'Accept');
  ctx.setHeader('Location', '/elsewhere');
  ctx.json({ ok: true });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
