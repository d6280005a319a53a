const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const path = require('path');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/report', async (ctx) => {
  await ctx.file(path.join(__dirname, 'report.pdf'), { dotfiles: 'express4' });
});

app.get('/export', async (ctx) => {
  await ctx.file(path.join(__dirname, 'data.csv'), {
    dotfiles: 'express4',
    attachment: 'export.csv'
  });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
