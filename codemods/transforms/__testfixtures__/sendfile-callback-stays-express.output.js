const path = require('path');
const express = require('express');

const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const { parseurl } = require('expressway/helpers');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

const FILES = path.join(__dirname, 'files');

// Express leaves the request hanging when the callback drops the error.
// expressway-todo: res.sendFile() with a callback whose callback may leave an error unanswered
legacyApp.get('/quiet/:name', (req, res) => {
  res.sendFile(req.params.name, { root: FILES }, (err) => {
    if (err) console.error(err);
  });
});

// The callback also runs after a successful transfer.
// expressway-todo: res.sendFile() with a callback whose callback may act without an error (only `if (!err) return;` first or one `if (err && ...)` is proved)
legacyApp.get('/logged/:name', (req, res, next) => {
  res.sendFile(req.params.name, { root: FILES }, (err) => {
    if (err) return next(err);
    console.log('sent', req.params.name);
  });
});

// Code after the call runs before the callback in Express.
// expressway-todo: res.sendFile() with a callback followed by more code (Express runs it before the callback)
legacyApp.get('/after/:name', (req, res, next) => {
  res.sendFile(req.params.name, { root: FILES }, (err) => {
    if (err) next(err);
  });
  console.log('sending');
});

// A path computed by a call the codemod cannot see into: it may throw before anything is sent.
// expressway-todo: res.sendFile() with a callback: an argument may throw when evaluated (Express throws it to next(err), not to the callback)
legacyApp.get('/computed/:name', (req, res, next) => {
  res.sendFile(lookup(req.params.name), { root: FILES }, (err) => {
    if (err) next(err);
  });
});

// The "*" capture keeps a trailing slash in Express that the runtime's drops.
app.get('/docs/{wildcard:.*}', async (ctx) => {
  try {
    await ctx.file(
      (parseurl(ctx.req).pathname.slice(0, 6).toLowerCase() === '/docs/' ? decodeURIComponent(parseurl(ctx.req).pathname.slice(6)) : ctx.params.wildcard) || 'index.html',
      { root: FILES, expressErrors: true, dotfiles: 'express4' }
    );
  } catch (err) {
    throw err;
  }
});

app.requestMiddleware(mountExpress(legacyApp));

function lookup(name) {
  return name.toLowerCase();
}

module.exports = app.handler;
