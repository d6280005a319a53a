const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const nodePath = require('node:path');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// A file that exists wherever the app runs from: the express package's manifest.
const manifest = require.resolve('express/package.json');

app.get('/manifest', async (ctx) => {
  await ctx.file(nodePath.resolve(manifest), {
    dotfiles: 'express4',
    attachment: 'express-manifest.json'
  });
});

app.get('/manifest/own-name', async (ctx) => {
  await ctx.file(require.resolve('express/package.json'), {
    dotfiles: 'express4',
    attachment: true
  });
});

app.get('/manifest/cached', async (ctx) => {
  await ctx.file('package.json', {
    root: require('path').dirname(manifest),
    maxAge: 60000,
    dotfiles: 'express4',
    attachment: 'manifest.json'
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
