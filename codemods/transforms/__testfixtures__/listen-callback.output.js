const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const PORT = process.env.PORT || 3000;

app.get('/', async (ctx) => ctx.html('hi'));

app.requestMiddleware(mountExpress(legacyApp));

app.listen({ port: PORT }).then(() => {
  console.log(`listening on ${PORT}`);
});
