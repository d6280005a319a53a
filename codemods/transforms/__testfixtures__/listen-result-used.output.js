const { Server } = require('expressway/runtime');
const http = require('node:http');
const app = new Server();

app.get('/', async (ctx) => ctx.html('hi'));

const server = http.createServer(app.handler).listen(3000, '127.0.0.1');
process.on('SIGTERM', () => server.close());
