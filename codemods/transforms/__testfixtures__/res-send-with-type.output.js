const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/plain', async (ctx) => {
  ctx.setHeader('Content-Type', 'text/plain; charset=utf-8');
  ctx.body = 'plain text';
});

app.get('/xml', async (ctx) => {
  ctx.setHeader('Content-Type', 'application/xml; charset=utf-8');
  ctx.body = '<a/>';
});

module.exports = app.handler;
