import express from 'express';
import { Server, compress } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import compression from 'compression';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(compress({}, compression));

app.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
