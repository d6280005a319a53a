import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';

const app = new Server();

const hello = async (ctx: Context) => {
  ctx.html('<b>hello</b>');
};

app.get('/hello', hello);

export default app.handler;
