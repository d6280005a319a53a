import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

import { Server } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import nodePath from 'node:path';

const app = new Server(
  { middlewareOrder: 'registration', malformedPath: 'express', autoOptions: 'express4' }
);

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const PUBLIC = fileURLToPath(new URL('./public', import.meta.url));

app.get('/files/{name}', async (ctx) => {
  try {
    await ctx.file(
      ctx.params.name,
      { root: PUBLIC, expressErrors: true, dotfiles: 'express4' }
    );
  } catch (err) {
    if (err.code === 'ENOENT' || err.code === 'ENAMETOOLONG') return ctx.fallThrough();
    throw err;
  }
});

app.get('/reports/{id}', async (ctx) => {
  try {
    await ctx.file(nodePath.resolve(path.join(PUBLIC, 'reports', `${ctx.params.id}.pdf`)), {
      expressErrors: true,
      dotfiles: 'express4',
      attachment: `report-${ctx.params.id}.pdf`
    });
  } catch (err) {
    if (ctx.committed) return;
    throw err;
  }
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
