import express, { Request, Response, NextFunction } from 'express';

const app = express();

function auth(req: Request, res: Response, next: NextFunction): void {
  if (!req.headers.authorization) {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  next();
}

app.get('/private', auth, (req: Request, res: Response) => {
  res.json({ ok: true });
});

export default app;
