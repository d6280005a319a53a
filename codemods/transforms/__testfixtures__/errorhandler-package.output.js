const { Server } = require('expressway/runtime');
const { fromExpressErrorHandler } = require('expressway/compat');
const errorhandler = require('errorhandler');

const app = new Server();

app.get('/boom', async (ctx) => {
  throw new Error('boom');
});

app.panicHook(fromExpressErrorHandler(errorhandler()));

module.exports = app.handler;
