const { Router, Server } = require('expressway/runtime');

const app = new Server();
const api = new Router();

api.get('/ping', async (ctx) => ctx.html('pong'));

app.mount('/api', api);

module.exports = app.handler;
