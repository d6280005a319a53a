const express = require('express');
const feed = require('./feed');

const app = express();
app.disable('x-powered-by');

function writeEvent(res, { id, event, data }) {
  if (id !== undefined) res.write(`id: ${id}\n`);
  if (event) res.write(`event: ${event}\n`);
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

function resumeFrom(req) {
  const raw = req.get('Last-Event-ID') ?? req.query.since;
  const id = Number(raw);
  return raw !== undefined && Number.isInteger(id) && id >= 0 ? id : undefined;
}

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

// Server-Sent Events by hand: the head first, then one write per field.
app.get('/events', (req, res) => {
  res.status(200).set({
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
  });
  res.flushHeaders();
  res.write('retry: 2000\n\n');

  const after = resumeFrom(req);
  if (after !== undefined) {
    for (const item of feed.since(after)) writeEvent(res, { id: item.id, event: 'item', data: item });
  }

  const onItem = (item) => writeEvent(res, { id: item.id, event: 'item', data: item });
  feed.on('item', onItem);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), 60000);

  // Stop writing once the client is gone.
  req.on('close', () => {
    clearInterval(heartbeat);
    feed.off('item', onItem);
  });
});

module.exports = app;
