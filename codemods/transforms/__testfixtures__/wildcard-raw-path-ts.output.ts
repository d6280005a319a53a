import express from 'express';

import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { parseurl } from 'expressway/helpers';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// The capture is decoded whole: %2F becomes "/" in it.
app.get('/files/{wildcard:.*}', async (ctx: Context) => {
  const file: string = parseurl(ctx.req).pathname.slice(0, 7).toLowerCase() === '/files/' ? decodeURIComponent(parseurl(ctx.req).pathname.slice(7)) : ctx.params.wildcard;
  ctx.json({ file, parts: file.split('/') });
});

app.get('/docs/{wildcard:.*}', async (ctx: Context) => {
  try {
    await ctx.file(
      (parseurl(ctx.req).pathname.slice(0, 6).toLowerCase() === '/docs/' ? decodeURIComponent(parseurl(ctx.req).pathname.slice(6)) : ctx.params.wildcard) || 'index.html',
      { root: '/srv/docs', expressErrors: true, dotfiles: 'express4' }
    );
  } catch (err: any) {
    throw err;
  }
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
