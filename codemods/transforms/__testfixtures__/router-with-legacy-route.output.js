const express = require('express');
// expressway-todo: router stays on Express: router has a route that stays on Express (res.render needs the Express view engine)
const router = express.Router();

router.get('/ok', (req, res) => res.json({ ok: true }));

// expressway-todo: res.render needs the Express view engine
router.get('/view', (req, res) => res.render('view'));

module.exports = router;
