import express, { type Request, type Response } from 'express';
import { jobs } from './jobs';

const app = express();

app.get('/jobs/:id/progress', (req: Request, res: Response) => {
  res.set('Content-Type', 'text/event-stream');
  res.set('X-Accel-Buffering', 'no');
  res.flushHeaders();

  const job = req.params.id;
  const onProgress = (percent: number) => {
    res.write(`data: ${JSON.stringify({ job, percent })}\n\n`);
    if (percent === 100) res.end();
  };
  jobs.on(job, onProgress);
  req.once('close', () => jobs.off(job, onProgress));
});

export default app;
