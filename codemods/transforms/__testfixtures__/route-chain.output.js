const { Server, jsonBody } = require('expressway/runtime');
const app = new Server();
app.requestMiddleware(jsonBody());

// One path, two methods.
app.get('/books', async (ctx) => {
    ctx.json([]);
  });

app.post('/books', async (ctx) => {
    ctx.json(ctx.requestBody, 201);
  });

module.exports = app.handler;
