const { Server } = require('expressway/runtime');
const app = new Server();

async function logged(ctx) {
  console.log(ctx.method, ctx.url);
}

async function timed(ctx) {
  ctx.setHeader('X-Started', String(Date.now()));
}

app.get('/array', logged, timed, async (ctx) => {
  ctx.json({ ok: true });
});

module.exports = app.handler;
