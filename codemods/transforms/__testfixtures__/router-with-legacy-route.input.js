const express = require('express');
const router = express.Router();

router.get('/ok', (req, res) => res.json({ ok: true }));

router.get('/view', (req, res) => res.render('view'));

module.exports = router;
