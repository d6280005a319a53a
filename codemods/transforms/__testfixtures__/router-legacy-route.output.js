const express = require('express');

const { Router, Server } = require('expressway/runtime');
const { mountExpressRouter } = require('expressway/compat');

const docs = new Router({ middlewareOrder: 'registration' });

// expressway-todo: routes on legacyRouter stay on Express until migrated; docs answers them where they were registered
const legacyRouter = express.Router();

docs.get('/', async (ctx) => {
  ctx.json(['faq', 'changelog']);
});

// Unknown names fall through to whatever the app registered later.
// expressway-todo: next() in a route handler falls through to later routes (in a router, what runs after its mount is not known)
legacyRouter.get('/:name', (req, res, next) => {
  if (req.params.name === 'missing') return next();
  res.json({ name: req.params.name, baseUrl: req.baseUrl });
});

docs.get('/{name}/meta', async (ctx) => {
  ctx.json({ meta: ctx.params.name });
});

docs.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));

const app = new Server(
  { middlewareOrder: 'registration', methodNotAllowed: false, malformedPath: 'express' }
);

app.mount('/docs', docs);

// Everything below, unknown paths included, needs a key.
app.requestMiddleware(async (ctx) => {
  if (ctx.header('x-key') !== 'k') {
    ctx.json({ error: 'key required' }, 401);
    ctx.abort();
  }
});

app.get('/docs/late', async (ctx) => ctx.json({ late: true }));

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
