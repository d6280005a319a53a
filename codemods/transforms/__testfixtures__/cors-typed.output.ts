import express from 'express';
import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { corsPolicy, mountExpress } from 'expressway/compat';
import cors, { type CorsOptions } from 'cors';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(corsPolicy(
  cors,
  { origin: [/\.example\.com$/], methods: ['GET', 'POST'] } as CorsOptions
));

app.get('/reports', async (ctx: Context) => {
  ctx.json({ reports: [] });
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
