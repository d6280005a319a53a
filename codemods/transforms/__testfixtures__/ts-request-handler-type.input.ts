import express, { RequestHandler } from 'express';

const app = express();

const hello: RequestHandler = (req, res) => {
  res.send('<b>hello</b>');
};

app.get('/hello', hello);

export default app;
