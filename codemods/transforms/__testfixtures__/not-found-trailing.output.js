const { Server } = require('expressway/runtime');
const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

app.get('/', async (ctx) => ctx.html('home'));

app.notFound(async (ctx) => {
  ctx.json({ error: 'Not Found', path: ctx.url }, 404);
});

module.exports = app.handler;
