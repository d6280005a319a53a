const { Server } = require('expressway/runtime');
const { fromExpress } = require('expressway/compat');
const cors = require('cors');

const app = new Server();
app.requestMiddleware('/api', fromExpress(cors({ origin: 'https://example.com' }), { path: '/api' }));

app.get('/api/items', async (ctx) => ctx.json([]));

module.exports = app.handler;
