const path = require('path');
const { Server } = require('expressway/runtime');
const nodePath = require('node:path');

const app = new Server(
  { middlewareOrder: 'registration', methodNotAllowed: false, malformedPath: 'express' }
);

// The fixtures folder stands in for a folder of documents.
const FILES = path.join(__dirname, '__testfixtures__');

// A missing document falls through to the 404 below; other failures go to the error handler.
app.get('/src/{name}', async (ctx) => {
  try {
    await ctx.file(
      ctx.params.name,
      { root: FILES, dotfiles: 'deny', maxAge: '1h', expressErrors: true }
    );
  } catch (err) {
    if (err.status === 404) return ctx.fallThrough();
    throw err;
  }
});

app.get('/export/{name}', async (ctx) => {
  try {
    await ctx.file(nodePath.resolve(path.join(FILES, ctx.params.name)), {
      expressErrors: true,
      dotfiles: 'express4',
      attachment: `copy-${ctx.params.name}`
    });
  } catch (err) {
    // Only a missing file is a 404; the rest is the error handler's.
    if (!ctx.committed) {
      if (err.code === 'ENOENT')
        ctx.fallThrough();

      throw err;
    }
  }
});

app.get('/plain/{name}', async (ctx) => {
  const file = path.join(FILES, ctx.params.name);

  try {
    await ctx.file(file, { expressErrors: true, dotfiles: 'express4' });
  } catch (err) {
    ctx.json({ missing: ctx.params.name, code: err.code || null }, err.status || 500);
  }
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

// eslint-disable-next-line no-unused-vars
const handleError = async (ctx, err) => {
  ctx.json({ error: err.message, code: err.code || null }, err.status || 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);

module.exports = app.handler;
