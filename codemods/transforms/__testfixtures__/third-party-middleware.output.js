const { Server } = require('expressway/runtime');
const { fromExpress } = require('expressway/compat');
const cors = require('cors');
const helmet = require('helmet');
const morgan = require('morgan');

const app = new Server();
app.requestMiddleware(fromExpress(cors()));
app.requestMiddleware(fromExpress(helmet()));
app.requestMiddleware(fromExpress(morgan('dev')));

app.get('/', async (ctx) => ctx.json({ ok: true }));

module.exports = app.handler;
