const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const contentDisposition = require('content-disposition');
const path = require('path');
const app = new Server();

// Express answers what no route matches, as before: its 404 page, also for a known path with another method.
const legacyApp = express();

app.get('/report', async (ctx) => {
  await ctx.file(path.join(__dirname, 'report.pdf'));
});

app.get('/export', async (ctx) => {
  ctx.setHeader('Content-Disposition', contentDisposition('export.csv'));
  await ctx.file(path.join(__dirname, 'data.csv'));
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
