import express, { type Request, type Response, type NextFunction } from 'express';

const app = express();
const timings = new Map<string, number>();

app.use((req: Request, res: Response, next: NextFunction) => {
  res.on('finish', () => {
    const key = req.route ? String(req.route.path) : '(unmatched)';
    timings.set(key, (timings.get(key) ?? 0) + 1);
  });
  next();
});

app.get('/stats', (req: Request, res: Response) => {
  res.json(Object.fromEntries(timings));
});

export default app;
