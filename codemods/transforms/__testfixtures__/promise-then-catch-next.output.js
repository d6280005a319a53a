const { Server } = require('expressway/runtime');
const User = require('./models/user');
const app = new Server();

app.get('/users', async (ctx) => {
  const users = await User.findAll();
  ctx.json(users);
});

module.exports = app.handler;
