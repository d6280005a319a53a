const { Router } = require('expressway/runtime');
var db = require('./db');

var router = new Router();

router.get('/', async function(ctx) {
  var filter = {};
  if (ctx.query.currency) filter.currency = ctx.query.currency;
  const [err, accounts] = await new Promise((resolve) => db.find(filter, (...args) => resolve(args)));
  if (err)
    throw err;
  ctx.json(accounts);
});

module.exports = router;
