const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const finished = [];

// Records every answer once it is out: the listener reads the status written.
app.requestMiddleware(async (ctx) => {
  ctx.res.on('finish', () => {
    finished.push({ method: ctx.method, url: ctx.url, status: ctx.res.statusCode, sent: ctx.res.headersSent });
  });
});

app.get('/teapot', async (ctx) => {
  ctx.json({ short: true }, 418);
});

app.get('/finished', async (ctx) => {
  ctx.json(finished);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
