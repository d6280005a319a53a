import express, { type Request, type Response } from 'express';
import cors, { type CorsOptions } from 'cors';

const app = express();

app.use(cors({ origin: [/\.example\.com$/], methods: ['GET', 'POST'] } as CorsOptions));

app.get('/reports', (req: Request, res: Response) => {
  res.json({ reports: [] });
});

export default app;
