'use strict';

const { Server } = require('expressway/runtime');
const { corsPolicy } = require('expressway/compat');
const cors = require('cors');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

// Every origin may read every answer.
app.requestMiddleware(corsPolicy(cors));

app.get('/items', async (ctx) => {
  ctx.json([]);
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
