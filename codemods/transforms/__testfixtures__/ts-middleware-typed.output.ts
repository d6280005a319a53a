import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';

const app = new Server();

async function auth(ctx: Context) {
  if (!ctx.headers.authorization) {
    ctx.json({ error: 'unauthorized' }, 401);
    ctx.abort();
    return;
  }
}

app.get('/private', auth, async (ctx: Context) => {
  ctx.json({ ok: true });
});

export default app.handler;
