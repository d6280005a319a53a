import express from 'express';
import { Router, Server, jsonBody } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { fromExpress, mountExpress } from 'expressway/compat';
import tasks from './tasks.js';

const router = new Router();

router.get('/', async (ctx: Context) => {
  ctx.json({ projects: [] });
});

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(jsonBody());
app.mount('/projects', router);

if (typeof tasks === 'function')
  app.requestMiddleware('/tasks', fromExpress(tasks, { path: '/tasks' }));
else
  app.mount('/tasks', tasks);

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
