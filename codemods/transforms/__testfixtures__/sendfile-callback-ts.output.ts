import path from 'path';
import express from 'express';

import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const ASSETS: string = path.resolve('assets');

app.get('/assets/{file}', async (ctx: Context) => {
  try {
    await ctx.file(
      ctx.params.file,
      { root: ASSETS, maxAge: 60_000, expressErrors: true, dotfiles: 'express4' }
    );
  } catch (err: any) {
    throw err;
  }
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
