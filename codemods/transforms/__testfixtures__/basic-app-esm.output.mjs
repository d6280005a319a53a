import { Server } from 'expressway/runtime';

const app = new Server();

app.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

export default app.handler;
