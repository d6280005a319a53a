const { Server } = require('expressway/runtime');
const app = new Server();

// Everything under /files is a file path.
app.get('/files/{wildcard:.*}', async (ctx) => {
  ctx.json({ path: ctx.params.wildcard });
});

module.exports = app.handler;
