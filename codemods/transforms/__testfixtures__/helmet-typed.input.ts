import express, { Request, Response } from 'express';
import helmet from 'helmet';

const app = express();

app.use(helmet({ crossOriginEmbedderPolicy: true, xFrameOptions: { action: 'sameorigin' as const } }));

app.get('/items/:id', (req: Request, res: Response) => {
  res.json({ id: req.params.id });
});

app.get('/padded', (req: Request, res: Response) => {
  res.jsonp({ padded: true });
});

export default app;
