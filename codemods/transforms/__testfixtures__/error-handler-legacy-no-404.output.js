const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const accepts = require('accepts');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/ok', async (ctx) => {
  ctx.json({ ok: true });
});

// res.format stays on Express; its errors still reach the app's error handler.
app.get('/page', async (ctx) => {
  ctx.vary('Accept');
  const accepted = accepts(ctx.req).types(['json']);

  if (accepted === 'json') {
    ctx.setHeader('Content-Type', 'application/json; charset=utf-8');
    ctx.json({ page: 1 });
  } else {
    throw new Error('no page in this format');
  }
});

// No 404 handler: Express answers unknown paths (and known paths with another method) with its own 404 page.
// eslint-disable-next-line no-unused-vars
const handleError = async (ctx, err) => {
  ctx.json({ error: err.message }, 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
