import express from 'express';
import logger from 'morgan';
import config from './config.mjs';
import { accessLogStream } from './log.mjs';

const app = express();

// The format comes from config at run time; errors only.
app.use(logger(config.logFormat, {
  stream: accessLogStream,
  skip: (req, res) => res.statusCode < 400,
}));

app.get('/events', (req, res) => {
  res.json([]);
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

export default app;
