const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const feed = require('./feed');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.disable('x-powered-by');

function writeEvent(res, { id, event, data }) {
  if (id !== undefined) res.write(`id: ${id}\n`);
  if (event) res.write(`event: ${event}\n`);
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

function resumeFrom(ctx) {
  const raw = ctx.header('Last-Event-ID') ?? ctx.query.since;
  const id = Number(raw);
  return raw !== undefined && Number.isInteger(id) && id >= 0 ? id : undefined;
}

app.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

// Server-Sent Events by hand: the head first, then one write per field.
app.get('/events', async (ctx) => {
  ctx.status = 200;
  ctx.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  ctx.setHeader('Cache-Control', 'no-cache, no-transform');
  ctx.setHeader('Connection', 'keep-alive');
  await ctx.commitHead();
  ctx.res.flushHeaders();
  ctx.res.write('retry: 2000\n\n');

  const after = resumeFrom(ctx);
  if (after !== undefined) {
    for (const item of feed.since(after)) writeEvent(ctx.res, { id: item.id, event: 'item', data: item });
  }

  const onItem = (item) => writeEvent(ctx.res, { id: item.id, event: 'item', data: item });
  feed.on('item', onItem);
  const heartbeat = setInterval(() => ctx.res.write(': ping\n\n'), 60000);

  // Stop writing once the client is gone.
  ctx.req.on('close', () => {
    clearInterval(heartbeat);
    feed.off('item', onItem);
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
