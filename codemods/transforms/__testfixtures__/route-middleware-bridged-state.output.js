const { Router } = require('expressway/runtime');
const { fromExpress } = require('expressway/compat');
const loadAccount = require('../middleware/load-account');

const router = new Router();

// loadAccount sets req.account; the migrated handler reads it through compat's state bridge.
router.get(
  '/{id}',
  (ctx) => { ctx.req.params = { ...ctx.params }; },
  fromExpress(loadAccount, { stateKeys: ['user', 'session', 'account'] }),
  async (ctx) => {
    ctx.json(ctx.state.account);
  }
);

module.exports = router;
