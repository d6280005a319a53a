const { Server } = require('expressway/runtime');
const app = new Server();

app.requestMiddleware(async (ctx) => {
  if (ctx.method === 'OPTIONS') return;
  ctx.setHeader('X-Checked', 'yes');
});

app.get('/', async (ctx) => ctx.json({}));

module.exports = app.handler;
