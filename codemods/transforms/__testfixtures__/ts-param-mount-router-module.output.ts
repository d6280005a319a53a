import express from 'express';
import { Router, Server, jsonBody } from 'expressway/runtime';
import type { Context, DefaultState } from 'expressway/runtime';
import { mountExpress, mountExpressRouter } from 'expressway/compat';
import tasks from './tasks.js';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(jsonBody());

app.get('/orgs/{org}', async (ctx: Context<DefaultState, { org: string }>) => {
  ctx.json({ org: ctx.params.org });
});

if (typeof tasks === 'function')
  app.mount('/orgs/{org}/teams/{team}/tasks', new Router().requestMiddlewareAtMount(mountExpressRouter(tasks)));
else
  app.mount('/orgs/{org}/teams/{team}/tasks', tasks);

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
