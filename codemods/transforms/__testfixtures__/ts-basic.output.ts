import express from 'express';

import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/users/{id}', async (ctx: Context) => {
  ctx.json({ id: ctx.params.id });
});

const handleError = async (ctx: Context, err: Error) => {
  ctx.json({ error: err.message }, 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
