'use strict';

const fs = require('fs');
const { Server } = require('expressway/runtime');
const { fromExpress } = require('expressway/compat');
const morgan = require('morgan');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });
const accessLog = fs.createWriteStream('/tmp/access.log', { flags: 'a' });

app.requestMiddleware(fromExpress(morgan('common', { stream: accessLog })));

app.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
