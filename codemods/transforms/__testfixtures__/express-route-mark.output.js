const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const { Readable } = require('stream');

const app = new Server(
  { middlewareOrder: 'registration', malformedPath: 'express', autoOptions: 'express4' }
);

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Express middleware of this app (through fromExpress) may read req.route: runtime routes set it as Express's router did.
function expressRoute(method, path) {
  const route = { path, stack: [], methods: { [method]: true } };
  return (ctx) => {
    ctx.req.route = route;
  };
}

const seen = [];

// Keyed by the route pattern once the response is out, as metrics middleware do.
app.requestMiddleware(async (ctx) => {
  ctx.res.on('finish', () => {
    seen.push(`${ctx.method} ${ctx.req.route ? `${ctx.req.baseUrl ?? ''}${ctx.req.route.path}` : '(unmatched)'} ${ctx.res.statusCode}`);
  });
});

for (const path of ['/items', '/items/{id}']) app.get(path, expressRoute('get', '/items/:id?'), async (ctx) => {
  ctx.json({ id: ctx.params.id ?? null });
});

for (const path of [
  '/archive/{capture0:\\d{4}}',
  '/archive/{capture0:\\d{4}}/{capture1:\\d{2}}'
]) app.get(
  path,
  expressRoute('get', /^\/archive\/(\d{4})(?:\/(\d{2}))?\/?$/),
  async (ctx) => {
    ctx.json({ year: ctx.params.capture0, month: ctx.params.capture1 || null });
  }
);

app.get('/feed', expressRoute('get', '/feed'), async (ctx) => {
  ctx.setHeader('Content-Type', 'application/x-ndjson');
  ctx.stream(Readable.from(['{"a":1}\n', '{"b":2}\n']));
});

app.requestMiddleware('/admin', async (ctx) => {
  if (ctx.header('x-admin') !== 'yes') {
    ctx.json({ error: 'admin only' }, 401);
    ctx.abort();
  }
});

app.get('/admin/seen', expressRoute('get', '/admin/seen'), async (ctx) => {
  ctx.json(seen);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
