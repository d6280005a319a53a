import fs from 'fs';
import path from 'path';
import express from 'express';

import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import nodeEvents from 'node:events';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const EXPORTS = path.resolve('exports');

app.get('/exports/{name}/raw', async (ctx: Context) => {
  const stream = fs.createReadStream(path.join(EXPORTS, ctx.params.name));

  try {
    await nodeEvents.once(stream, 'open');
    ctx.setHeader('Content-Type', 'text/csv; charset=utf-8');
    await nodeEvents.once(stream, 'readable');
  } catch (err: any) {
    throw err;
  }

  ctx.stream(stream);
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
