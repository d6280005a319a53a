import express from 'express';
import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { jobs } from './jobs';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/jobs/{id}/progress', async (ctx: Context) => {
  ctx.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  ctx.setHeader('X-Accel-Buffering', 'no');
  await ctx.commitHead();
  ctx.res.flushHeaders();

  const job = ctx.params.id;
  const onProgress = (percent: number) => {
    ctx.res.write(`data: ${JSON.stringify({ job, percent })}\n\n`);
    if (percent === 100) ctx.res.end();
  };
  jobs.on(job, onProgress);
  ctx.req.once('close', () => jobs.off(job, onProgress));
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
