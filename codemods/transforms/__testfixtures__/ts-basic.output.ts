import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';

const app = new Server();

app.get('/users/{id}', async (ctx: Context) => {
  ctx.json({ id: ctx.params.id });
});

app.panicHook(async (ctx: Context, err: Error) => {
  ctx.json({ error: err.message }, 500);
});

export default app.handler;
