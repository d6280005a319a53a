import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';

const app = new Server();
const port = Number(process.env.PORT ?? 3000);

app.get('/', async (ctx: Context) => {
  ctx.json({ hello: 'world' });
});

app.listen({ port }).then(() => console.log(`on ${port}`));
