const { Server } = require('expressway/runtime');
const contentDisposition = require('content-disposition');
const path = require('path');
const app = new Server();

app.get('/report', async (ctx) => {
  await ctx.file(path.join(__dirname, 'report.pdf'));
});

app.get('/export', async (ctx) => {
  ctx.setHeader('Content-Disposition', contentDisposition('export.csv'));
  await ctx.file(path.join(__dirname, 'data.csv'));
});

module.exports = app.handler;
