const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/html', async (ctx) => {
  ctx.html('<h1>Hello</h1>');
});

app.get('/object', async (ctx) => {
  ctx.json({ hello: 'world' });
});

app.get('/buffer', async (ctx) => {
  ctx.bytes(Buffer.from('raw'));
});

app.get('/template', async (ctx) => {
  ctx.html(`<p>${ctx.query.name}</p>`);
});

module.exports = app.handler;
