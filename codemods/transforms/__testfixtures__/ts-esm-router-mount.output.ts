import { Router, Server, jsonBody } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import tasks from './tasks.js';

const router = new Router();

router.get('/', async (ctx: Context) => {
  ctx.json({ projects: [] });
});

const app = new Server();
app.requestMiddleware(jsonBody());
app.mount('/projects', router);
app.mount('/tasks', tasks);

export default app.handler;
