'use strict';

const { Server } = require('expressway/runtime');
const { accessLog } = require('expressway/compat');
const morgan = require('morgan');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

// One access-log line per request, Apache combined format.
app.requestMiddleware(accessLog(morgan, 'combined'));

app.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
