const path = require('path');
const express = require('express');

const { Router, Server } = require('expressway/runtime');
const { mountExpress, mountExpressRouter } = require('expressway/compat');
const { parseurl } = require('expressway/helpers');

const app = new Server(
  { middlewareOrder: 'registration', malformedPath: 'express', autoOptions: 'express4' }
);

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

const DOCS = path.join(__dirname, 'docs');

// Express keeps the trailing slash, repeated slashes and dot segments of the raw path in a "*" capture.
app.get('/files/{wildcard:.*}', async (ctx) => {
  ctx.json(
    { file: parseurl(ctx.req).pathname.slice(0, 7).toLowerCase() === '/files/' ? decodeURIComponent(parseurl(ctx.req).pathname.slice(7)) : ctx.params.wildcard }
  );
});

app.get('/Assets/v1.0/{wildcard:.*}', async (ctx) => {
  ctx.html(
    `asset ${parseurl(ctx.req).pathname.slice(0, 13).toLowerCase() === '/assets/v1.0/' ? decodeURIComponent(parseurl(ctx.req).pathname.slice(13)) : ctx.params.wildcard}`
  );
});

app.get('/docs/{wildcard:.*}', async (ctx) => {
  const file = (parseurl(ctx.req).pathname.slice(0, 6).toLowerCase() === '/docs/' ? decodeURIComponent(parseurl(ctx.req).pathname.slice(6)) : ctx.params.wildcard) || 'index.html';

  try {
    await ctx.file(file, { root: DOCS, expressErrors: true, dotfiles: 'express4' });
  } catch (err) {
    if (err.status === 404) return ctx.fallThrough();
    throw err;
  }
});

// A param before the "*": where the capture starts in the raw path is not a fixed length.
// expressway-todo: req.params[0] of "/users/:id/*": the path before the "*" is not literal, so where Express's capture starts in the raw path is not known
legacyApp.get('/users/:id/*', (req, res) => {
  res.json({ id: req.params.id, rest: req.params[0] });
});

const router = new Router({ middlewareOrder: 'registration' });

// expressway-todo: routes on legacyRouter stay on Express until migrated; router answers them where they were registered
const legacyRouter = express.Router();

// expressway-todo: req.params[0] of a "*" inside a router or path-scoped use: the mount path's length in the raw URL is not known here
legacyRouter.get('/more/*', (req, res) => {
  res.json({ rest: req.params[0] });
});
router.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));
app.mount('/nested', router);

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
