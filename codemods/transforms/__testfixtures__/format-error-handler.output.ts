import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import accepts from 'accepts';

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

app.get('/boom', async (ctx: Context) => {
  throw new Error('boom');
});

app.notFound(async (ctx: Context) => {
  ctx.status = 404;
  ctx.vary('Accept');
  const accepted = accepts(ctx.req).types(['json']);

  if (accepted === 'json') {
    ctx.setHeader('Content-Type', 'application/json; charset=utf-8');
    ctx.json({ error: 'not found' });
  } else {
    ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
    ctx.body = 'not found';
  }
});

// eslint-disable-next-line @typescript-eslint/no-unused-vars
const handleError = async (ctx: Context, err: Error) => {
  ctx.status = 500;
  ctx.vary('Accept');
  const accepted = accepts(ctx.req).types(['application/json']);

  if (accepted === 'application/json') {
    ctx.setHeader('Content-Type', 'application/json; charset=utf-8');
    ctx.json({ error: err.message });
  } else {
    ctx.html('<p>Something went wrong</p>');
  }
};

app.panicHook(handleError);
app.requestErrorHook(handleError);

export default app.handler;
