import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { readFile } from 'node:fs';

const app = new Server();

app.get('/file', async (ctx: Context) => {
  const [err, text] = await new Promise((resolve) => readFile('data.txt', 'utf8', (...args) => resolve(args)));
  if (err)
    throw err;
  ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
  ctx.body = text;
});

export default app.handler;
