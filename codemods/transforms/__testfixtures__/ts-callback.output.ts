import express from 'express';
import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { readFile } from 'node:fs';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/file', async (ctx: Context) => {
  const [err, text] = await new Promise((resolve) => readFile('data.txt', 'utf8', (...args) => resolve(args)));
  if (err)
    throw err;
  ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
  ctx.body = text;
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
