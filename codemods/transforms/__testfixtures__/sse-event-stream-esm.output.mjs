import express from 'express';
import { Server } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { clock } from './clock.js';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/ticks', async (ctx) => {
  ctx.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  ctx.setHeader('Cache-Control', 'no-cache');
  await ctx.commitHead();
  ctx.res.flushHeaders();

  const send = (tick) => ctx.res.write(`event: tick\ndata: ${tick}\n\n`);
  clock.on('tick', send);
  ctx.res.on('close', () => clock.off('tick', send));
});

app.get('/stop', async (ctx) => {
  ctx.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  await ctx.commitHead();
  ctx.res.flushHeaders();
  ctx.res.write('event: bye\ndata: {}\n\n');
  ctx.res.end();
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
