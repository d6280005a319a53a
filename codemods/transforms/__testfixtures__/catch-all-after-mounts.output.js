const { Server } = require('expressway/runtime');
const { fromExpress } = require('expressway/compat');
const api = require('./routes/api');

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

if (typeof api === 'function')
  app.requestMiddleware('/api', fromExpress(api, { path: '/api' }));
else
  app.mount('/api', api);

// Only reached when no mounted router answered.
app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
