import express from 'express';
import { clock } from './clock.js';

const app = express();

app.get('/ticks', async (req, res) => {
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache');
  res.flushHeaders();

  const send = (tick) => res.write(`event: tick\ndata: ${tick}\n\n`);
  clock.on('tick', send);
  res.on('close', () => clock.off('tick', send));
});

app.get('/stop', (req, res) => {
  res.type('text/event-stream');
  res.flushHeaders();
  res.write('event: bye\ndata: {}\n\n');
  res.end();
});

export default app;
