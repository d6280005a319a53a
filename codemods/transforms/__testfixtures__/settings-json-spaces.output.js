const { Server } = require('expressway/runtime');
const app = new Server(
  { jsonSpaces: process.env.NODE_ENV === 'development' ? 2 : 0, ignoreTrailingSlash: false, queryParser: 'simple', methodNotAllowed: false, malformedPath: 'express' }
);

app.get('/item', async (ctx) => {
  ctx.json({ id: 1, tags: ['a'], q: ctx.query.q });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
