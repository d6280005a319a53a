import express, { Request, Response } from 'express';

const app = express();

app.get('/view', (req: Request, res: Response) => {
  res.render('index');
});

export default app;
