const { Server } = require('expressway/runtime');
const app = new Server({ trustProxy: true });

app.get('/ip', async (ctx) => ctx.json({ ip: ctx.ip }));

module.exports = app.handler;
