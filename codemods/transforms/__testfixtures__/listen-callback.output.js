const { Server } = require('expressway/runtime');
const app = new Server();
const PORT = process.env.PORT || 3000;

app.get('/', async (ctx) => ctx.html('hi'));

app.listen({ port: PORT }).then(() => {
  console.log(`listening on ${PORT}`);
});
