'use strict';

const { Server, jsonBody } = require('expressway/runtime');
const { corsPolicy, fromExpress } = require('expressway/compat');
const cors = require('cors');
const config = require('./config');
const { apiLimiter } = require('./rate-limits');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

app.requestMiddleware('/api', corsPolicy(
  cors,
  { origin: config.corsOrigins, credentials: true, maxAge: 600 },
  { path: '/api' }
));

app.requestMiddleware('/api', fromExpress(apiLimiter, { path: '/api' }));
app.requestMiddleware('/api', jsonBody({ limit: '100kb' }));

app.get('/api/items', async (ctx) => {
  ctx.json([]);
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
