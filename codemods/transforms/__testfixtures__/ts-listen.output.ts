import express from 'express';

import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const port = Number(process.env.PORT ?? 3000);

app.get('/', async (ctx: Context) => {
  ctx.json({ hello: 'world' });
});

app.requestMiddleware(mountExpress(legacyApp));

app.listen({ port }).then(() => console.log(`on ${port}`));
