'use strict';

const { Server } = require('expressway/runtime');
const { accessLog } = require('expressway/compat');
const morgan = require('morgan');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

app.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

// Only the API is logged; the line is written after Express put /api back on req.url.
app.requestMiddleware('/api', accessLog(morgan, 'tiny'));

app.get('/api/items', async (ctx) => {
  ctx.json([]);
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
