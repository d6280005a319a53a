import express from 'express';
import { Server, compress } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import compression from 'compression';
import zlib from 'zlib';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(compress(
  { level: 6, threshold: '2kb', brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } } },
  compression
));

app.get('/items', async (ctx: Context) => {
  ctx.json([{ id: 1 }]);
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
