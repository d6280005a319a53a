import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';

type RequestLocals = { requestId: string };

const app = new Server<RequestLocals>({ methodNotAllowed: false, malformedPath: 'express' });

app.requestMiddleware(async (ctx: Context<RequestLocals>) => {
  ctx.state.requestId = String(ctx.headers['x-request-id'] ?? 'none');
});

app.get('/ping', async (ctx: Context<RequestLocals>) => {
  ctx.json({ pong: true, requestId: ctx.state.requestId });
});

app.notFound(async (ctx: Context<RequestLocals>) => {
  ctx.json({ error: 'not found', requestId: ctx.state.requestId }, 404);
});

const onError = async (ctx: Context<RequestLocals>, err: any) => {
  ctx.json({ error: String(err), requestId: ctx.state.requestId }, 500);
};
app.panicHook(onError);
app.requestErrorHook(onError);

export default app.handler;
