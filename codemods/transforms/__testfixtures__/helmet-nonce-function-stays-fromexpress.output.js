const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const helmet = require('helmet');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(async (ctx) => {
  ctx.state.nonce = Math.random().toString(36).slice(2);
});

// The nonce differs on every answer: helmet must see each request.
app.requestMiddleware(
  fromExpress(helmet({
    contentSecurityPolicy: {
      directives: { scriptSrc: ["'self'", (req, res) => `'nonce-${res.locals.nonce}'`] },
    },
  })),
);

const options = { hsts: false };
app.requestMiddleware('/admin', fromExpress(helmet(options), { path: '/admin' }));

app.get('/', async (ctx) => ctx.json({ ok: true }));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
