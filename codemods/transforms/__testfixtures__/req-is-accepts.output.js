const { Server } = require('expressway/runtime');
const typeis = require('type-is');
const accepts = require('accepts');
const app = new Server();

app.post('/upload', async (ctx) => {
  if (!typeis(ctx.req, ['json'])) {
    ctx.json({ error: 'json only' }, 415);
    return;
  }
  const type = accepts(ctx.req).types(['json', 'html']);
  ctx.json({ type });
});

module.exports = app.handler;
