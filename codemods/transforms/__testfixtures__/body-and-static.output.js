const { Server, formBody, jsonBody, serveStatic } = require('expressway/runtime');
const path = require('path');

const app = new Server();
app.requestMiddleware(jsonBody({ limit: '100kb' }));
app.requestMiddleware(formBody({ extended: false }));
app.requestMiddleware(serveStatic(path.join(__dirname, 'public'), { maxAge: '1d' }));
app.requestMiddleware('/assets', serveStatic('assets', { prefix: '/assets' }));

app.post('/echo', async (ctx) => ctx.json(ctx.requestBody));

module.exports = app.handler;
