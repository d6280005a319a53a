const express = require('express');
const db = require('./db');
// expressway-todo: router stays on Express: router has a route that stays on Express (req is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: req.params is read inside a callback of middleware (Express changes it once next() moves on))
const router = express.Router();

// Express resets req.params for every layer: a callback running after next() may see another route's params.
// expressway-todo: req is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: req.params is read inside a callback of middleware (Express changes it once next() moves on)
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
