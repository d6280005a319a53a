import express from 'express';

import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const hello = async (ctx: Context) => {
  ctx.html('<b>hello</b>');
};

app.get('/hello', hello);

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
