const { Server } = require('expressway/runtime');
const app = new Server();

async function listUsers(ctx) {
  ctx.json([]);
}

const showUser = async (ctx) => {
  ctx.json({ id: ctx.params.id });
};

app.get('/users', listUsers);
app.get('/users/{id}', showUser);

module.exports = app.handler;
