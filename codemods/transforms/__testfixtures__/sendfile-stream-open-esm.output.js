import { createReadStream } from 'node:fs';
import express from 'express';

import { Server } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import nodeEvents from 'node:events';

const app = new Server(
  { middlewareOrder: 'registration', malformedPath: 'express', autoOptions: 'express4' }
);

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/logs/{day}', async (ctx) => {
  const stream = createReadStream(`/var/log/app/${ctx.params.day}.log`);

  // Only a missing day is a 404.
  try {
    await nodeEvents.once(stream, 'open');
    ctx.status = 200;
    ctx.setHeader('Cache-Control', 'no-store');
    await nodeEvents.once(stream, 'readable');
  } catch (err) {
    if (err.code === 'ENOENT')
      ctx.fallThrough();

    throw err;
  }

  ctx.stream(stream);
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
