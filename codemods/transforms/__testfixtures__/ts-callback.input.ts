import express from 'express';
import { readFile } from 'node:fs';

const app = express();

app.get('/file', (req, res, next) => {
  readFile('data.txt', 'utf8', (err, text) => {
    if (err) return next(err);
    res.type('text').send(text);
  });
});

export default app;
