'use strict';

const { Server } = require('expressway/runtime');
const { fromExpress } = require('expressway/compat');
const morgan = require('morgan');
const logOptions = require('./log-options');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

// Options from elsewhere: their shape is not known here, so morgan stays behind fromExpress.
app.requestMiddleware(fromExpress(morgan('tiny', logOptions)));
app.requestMiddleware(fromExpress(morgan('short', { ...logOptions, immediate: false })));
// Logged while Express has /admin stripped from req.url.
app.requestMiddleware('/admin', fromExpress(morgan('dev', { immediate: true }), { path: '/admin' }));

app.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
