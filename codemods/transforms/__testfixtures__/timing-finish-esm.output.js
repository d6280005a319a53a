import express from 'express';

import { Server } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Express middleware of this app (through fromExpress) may read req.route: runtime routes set it as Express's router did.
function expressRoute(method, path) {
  const route = { path, stack: [], methods: { [method]: true } };
  return (ctx) => {
    ctx.req.route = route;
  };
}

const counts = new Map();

// Counted by route pattern once the response is out; unmatched requests share one key.
app.requestMiddleware(async function timing(ctx) {
  const started = Date.now();
  ctx.res.once('finish', () => {
    const key = `${ctx.method} ${ctx.req.route ? (ctx.req.baseUrl ?? '') + ctx.req.route.path : '(unmatched)'}`;
    counts.set(key, { n: (counts.get(key)?.n ?? 0) + 1, ms: Date.now() - started });
  });
});

app.get('/users/{id}', expressRoute('get', '/users/:id'), async (ctx) => {
  ctx.json({ id: ctx.params.id });
});

app.get('/counts', expressRoute('get', '/counts'), async (ctx) => {
  ctx.json(Object.fromEntries([...counts].map(([k, v]) => [k, v.n])));
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
