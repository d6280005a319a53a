const express = require('express');
const db = require('./db');
const router = express.Router();

// Express resets req.params for every layer: a callback running after next() may see another route's params.
router.use((req, res, next) => {
  db.get(req.query.id, () => {
    console.log('loaded for', req.params.id);
  });
  next();
});

router.get('/items/:id', (req, res) => {
  res.json({ id: req.params.id });
});

module.exports = router;
