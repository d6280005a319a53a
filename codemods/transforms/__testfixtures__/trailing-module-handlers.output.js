const { Server } = require('expressway/runtime');
const { fromExpress, fromExpressErrorHandler } = require('expressway/compat');
const api = require('./routes');
const { notFound, errorHandler } = require('./middleware/errors');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

app.get('/health', async (ctx) => ctx.json({ ok: true }));

if (typeof api === 'function')
  app.requestMiddleware('/api', fromExpress(api, { path: '/api' }));
else
  app.mount('/api', api);

app.notFound(fromExpress(notFound));
const handleError = fromExpressErrorHandler(errorHandler);
app.panicHook(handleError);
app.requestErrorHook(handleError);

module.exports = app.handler;
