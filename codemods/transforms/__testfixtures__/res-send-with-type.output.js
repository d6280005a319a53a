const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/plain', async (ctx) => {
  ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
  ctx.body = 'plain text';
});

app.get('/xml', async (ctx) => {
  ctx.setHeader('Content-Type', 'application/xml; charset=utf-8');
  ctx.body = '<a/>';
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
