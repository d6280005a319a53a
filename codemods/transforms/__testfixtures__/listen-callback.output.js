const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server();

// Express answers what no route matches, as before: its 404 page, also for a known path with another method.
const legacyApp = express();

const PORT = process.env.PORT || 3000;

app.get('/', async (ctx) => ctx.html('hi'));

app.requestMiddleware(mountExpress(legacyApp));

app.listen({ port: PORT }).then(() => {
  console.log(`listening on ${PORT}`);
});
