const fs = require('fs');
const path = require('path');
const { Server } = require('expressway/runtime');
const nodeEvents = require('node:events');

const app = new Server(
  { middlewareOrder: 'registration', methodNotAllowed: false, malformedPath: 'express' }
);
const FILES = path.join(__dirname, '__testfixtures__');

// Streamed as it is read; a missing file falls through to the 404 below.
app.get('/raw/{name}', async (ctx) => {
  const stream = fs.createReadStream(path.join(FILES, ctx.params.name));

  try {
    await nodeEvents.once(stream, 'open');
    ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
    await nodeEvents.once(stream, 'readable');
  } catch (err) {
    if (err.code === 'ENOENT')
      ctx.fallThrough();

    throw err;
  }

  ctx.stream(stream);
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

// eslint-disable-next-line no-unused-vars
const handleError = async (ctx, err) => {
  ctx.json({ error: err.code || 'unknown' }, 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);

module.exports = app.handler;
