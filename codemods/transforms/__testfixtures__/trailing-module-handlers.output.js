const { Server } = require('expressway/runtime');
const { fromExpress, fromExpressErrorHandler } = require('expressway/compat');
const api = require('./routes');
const { notFound, errorHandler } = require('./middleware/errors');

const app = new Server();

app.get('/health', async (ctx) => ctx.json({ ok: true }));
app.mount('/api', api);

app.notFound(fromExpress(notFound));
app.panicHook(fromExpressErrorHandler(errorHandler));

module.exports = app.handler;
