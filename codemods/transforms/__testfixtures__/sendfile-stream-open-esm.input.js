import { createReadStream } from 'node:fs';
import express from 'express';

const app = express();

app.get('/logs/:day', (req, res, next) => {
  const stream = createReadStream(`/var/log/app/${req.params.day}.log`);
  // Only a missing day is a 404.
  stream.on('error', (err) => next(err.code === 'ENOENT' ? undefined : err));
  stream.on('open', () => {
    res.status(200).set('Cache-Control', 'no-store');
    stream.pipe(res);
  });
});

export default app;
