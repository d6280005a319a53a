const { Server } = require('expressway/runtime');
const app = new Server();

for (const path of ['/users', '/users/{id}']) app.get(path, async (ctx) => {
  ctx.json({ id: ctx.params.id || null });
});

module.exports = app.handler;
