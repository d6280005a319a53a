const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// res.attachment sets Content-Type from the file name's extension, then Content-Disposition.
app.get('/export/{id}', async (ctx) => {
  const row = `${ctx.params.id},ada\n`;
  ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
  ctx.setHeader('Content-Type', 'text/csv; charset=utf-8');
  ctx.setHeader('Content-Disposition', 'attachment; filename="export-rows.csv"');
  ctx.body = row;
});

app.get('/download', async (ctx) => {
  ctx.setHeader('Content-Disposition', 'attachment');
  ctx.bytes(Buffer.from('raw'));
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
