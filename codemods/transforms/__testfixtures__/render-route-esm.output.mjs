import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

import { Server } from 'expressway/runtime';
import { mountExpress, renderView } from 'expressway/compat';

const here = path.dirname(fileURLToPath(import.meta.url));
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(here, 'views'));
legacyApp.disable('etag');

app.get('/', async (ctx) => {
  ctx.state.locale = 'en';

  // Rendered with app.locals, res.locals and these, in that order.
  ctx.status = 200;

  await renderView(legacyApp, ctx, 'page', { title: 'Home' });
});

app.get('/plain', async (ctx) => await renderView(legacyApp, ctx, 'page'));

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
