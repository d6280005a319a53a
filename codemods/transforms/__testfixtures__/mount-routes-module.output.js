const { Server } = require('expressway/runtime');
const usersRouter = require('./routes/users');

const app = new Server();

app.mount('/users', usersRouter);

module.exports = app.handler;
