const express = require('express');
const things = require('./things');

const router = express.Router();

router.get('/health', (req, res) => {
  res.json({ ok: true });
});

// The router is mounted somewhere itself: an Express things router is handed the full mount path.
router.use('/things', things);

module.exports = router;
