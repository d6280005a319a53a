const { Server } = require('expressway/runtime');
const app = new Server();

app.requestMiddleware(async (ctx) => {
  ctx.setHeader('X-Powered', 'expressway');
});

app.get('/', async (ctx) => ctx.html('home'));

module.exports = app.handler;
