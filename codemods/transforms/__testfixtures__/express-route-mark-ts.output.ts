import express from 'express';

import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Express middleware of this app (through fromExpress) may read req.route: runtime routes set it as Express's router did.
function expressRoute(method: string, path: string | RegExp) {
  const route = { path, stack: [], methods: { [method]: true } };
  return (ctx: Context) => {
    (ctx.req as unknown as { route: typeof route }).route = route;
  };
}

const timings = new Map<string, number>();

app.requestMiddleware(async (ctx: Context) => {
  ctx.res.on('finish', () => {
    const key = (ctx.req as any).route ? String((ctx.req as any).route.path) : '(unmatched)';
    timings.set(key, (timings.get(key) ?? 0) + 1);
  });
});

app.get('/stats', expressRoute('get', '/stats'), async (ctx: Context) => {
  ctx.json(Object.fromEntries(timings));
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
