import path from 'node:path';
import express from 'express';

import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress, renderView } from 'expressway/compat';
import accepts from 'accepts';
import { createError } from 'expressway/helpers';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(process.cwd(), 'views'));
legacyApp.locals.siteName = 'Notes';

interface Note { id: string; text: string }
const notes: Record<string, Note> = { a: { id: 'a', text: 'first' } };

app.get('/notes/{id}', async (ctx: Context) => {
  const note = notes[ctx.params.id];
  if (!note) {
    ctx.status = 404;
    await renderView(legacyApp, ctx, 'missing', { id: ctx.params.id });
    return;
  }
  ctx.vary('Accept');
  const accepted = accepts(ctx.req).types(['html', 'json']);

  if (accepted === 'html') {
    ctx.setHeader('Content-Type', 'text/html; charset=utf-8');
    const title = `Note ${note.id}`;
    await renderView(legacyApp, ctx, 'note', { note, title });
  } else if (accepted === 'json') {
    ctx.setHeader('Content-Type', 'application/json; charset=utf-8');
    ctx.json(note);
  } else {
    throw createError(406, { types: ['text/html', 'application/json'] });
  }
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
