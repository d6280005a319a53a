'use strict';

const { Server } = require('expressway/runtime');

// Hide the framework from scanners.
// readable answers

const app = new Server({ jsonSpaces: 2, methodNotAllowed: false, malformedPath: 'express' });

app.get('/ok', async (ctx) => {
  ctx.json({ ok: true });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
