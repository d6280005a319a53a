const { Server } = require('expressway/runtime');
const User = require('./models/user');
const app = new Server();

app.get('/users/{id}', async (ctx) => {
  try {
    const user = await User.findById(ctx.params.id);
    ctx.json(user);
  } catch (err) {
    ctx.json({ error: err.message }, 500);
  }
});

module.exports = app.handler;
