import express, { type Request, type Response, type NextFunction } from 'express';
import { queue } from './queue.js';

const app = express();

app.post('/jobs', (req: Request, res: Response, next: NextFunction) => {
  const timer = setTimeout(() => res.status(504).json({ error: 'queue timeout' }), 500);
  queue.push(req.body, (err: Error | null, id?: string) => {
    clearTimeout(timer);
    if (err) return next(err);
    res.status(202).json({ id });
  });
  // Logged before the queue answers, in Express and after the migration alike.
  console.log('queued');
});

export default app;
