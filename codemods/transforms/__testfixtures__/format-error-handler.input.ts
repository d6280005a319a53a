import express, { type NextFunction, type Request, type Response } from 'express';

const app = express();

app.get('/boom', (req: Request, res: Response) => {
  throw new Error('boom');
});

app.use((req: Request, res: Response) => {
  res.status(404).format({
    json() {
      res.json({ error: 'not found' });
    },
    default: () => {
      res.type('text').send('not found');
    },
  });
});

// eslint-disable-next-line @typescript-eslint/no-unused-vars
app.use((err: Error, req: Request, res: Response, next: NextFunction) => {
  res.status(500);
  res.format({
    'application/json': () => res.json({ error: err.message }),
    default: () => res.send('<p>Something went wrong</p>'),
  });
});

export default app;
