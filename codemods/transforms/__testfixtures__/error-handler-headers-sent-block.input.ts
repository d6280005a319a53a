import express, { type NextFunction, type Request, type Response } from 'express';

const app = express();

app.get('/boom', (_req: Request, _res: Response) => {
  throw new Error('boom');
});

app.use((_req: Request, res: Response) => {
  res.status(404).json({ error: 'not found' });
});

// The head is out: nothing more can be sent, the connection is cut either way.
app.use((err: Error, req: Request, res: Response, next: NextFunction) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  res.status(500).json({ error: err.message, path: req.path });
});

export default app;
