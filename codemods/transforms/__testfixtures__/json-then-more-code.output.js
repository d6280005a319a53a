const { Server } = require('expressway/runtime');
const audit = require('./audit');
const app = new Server();

app.post('/events', async (ctx) => {
  ctx.json({ accepted: true }, 202);
  // Express already sent the answer; this still runs.
  audit.record(ctx.requestBody);
});

module.exports = app.handler;
