import express, { type Request, type Response, type NextFunction } from 'express';

const app = express();

// The capture is decoded whole: %2F becomes "/" in it.
app.get('/files/*', (req: Request, res: Response) => {
  const file: string = req.params[0];
  res.json({ file, parts: file.split('/') });
});

app.get('/docs/*', (req: Request, res: Response, next: NextFunction) => {
  res.sendFile(req.params[0] || 'index.html', { root: '/srv/docs' }, (err) => {
    if (err) next(err);
  });
});

export default app;
