import path from 'path';
import express, { type NextFunction, type Request, type Response } from 'express';

const app = express();
const ASSETS: string = path.resolve('assets');

app.get('/assets/:file', (req: Request, res: Response, next: NextFunction) => {
  res.sendFile(req.params.file, { root: ASSETS, maxAge: 60_000 }, (err?: Error) => {
    if (!err) return;
    next(err);
  });
});

export default app;
