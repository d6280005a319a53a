const { Server, formBody, jsonBody } = require('expressway/runtime');
const bodyParser = require('body-parser');

const app = new Server();
app.requestMiddleware(jsonBody());
app.requestMiddleware(formBody({ extended: true }));

app.post('/form', async (ctx) => ctx.json(ctx.requestBody));

module.exports = app.handler;
