const express = require('express');
const loadAccount = require('../middleware/load-account');

const router = express.Router();

// loadAccount sets req.account; the migrated handler reads it through compat's state bridge.
router.get('/:id', loadAccount, (req, res) => {
  res.json(req.account);
});

module.exports = router;
