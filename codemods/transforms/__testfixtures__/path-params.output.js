const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/users/{userId}/posts/{postId}', async (ctx) => {
  ctx.json({ user: ctx.params.userId, post: ctx.params.postId });
});

module.exports = app.handler;
