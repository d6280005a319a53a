import { type Request } from 'express';
import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { accessLog } from 'expressway/compat';
import morgan from 'morgan';

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

morgan.token('id', (req: Request) => String(req.headers['x-request-id'] ?? '-'));

app.requestMiddleware(accessLog(morgan, ':id :method :url :status :response-time ms', { immediate: false }));

app.get('/items/{id}', async (ctx: Context) => {
  ctx.json({ id: ctx.params.id });
});

app.notFound(async (ctx: Context) => {
  ctx.json({ error: 'not found' }, 404);
});

export default app.handler;
