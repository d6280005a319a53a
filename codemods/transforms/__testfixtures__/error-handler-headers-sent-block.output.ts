import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

app.get('/boom', async (ctx: Context) => {
  throw new Error('boom');
});

app.notFound(async (ctx: Context) => {
  ctx.json({ error: 'not found' }, 404);
});

// The head is out: nothing more can be sent, the connection is cut either way.
const handleError = async (ctx: Context, err: Error) => {
  if (ctx.committed) {
    return;
  }
  ctx.json({ error: err.message, path: ctx.path }, 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);

export default app.handler;
