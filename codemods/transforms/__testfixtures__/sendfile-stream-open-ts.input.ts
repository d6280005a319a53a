import fs from 'fs';
import path from 'path';
import express, { type NextFunction, type Request, type Response } from 'express';

const app = express();
const EXPORTS = path.resolve('exports');

app.get('/exports/:name/raw', (req: Request, res: Response, next: NextFunction) => {
  const stream = fs.createReadStream(path.join(EXPORTS, req.params.name));
  stream.on('error', (err: NodeJS.ErrnoException) => next(err));
  stream.once('open', () => {
    res.type('text/csv');
    stream.pipe(res);
  });
});

export default app;
