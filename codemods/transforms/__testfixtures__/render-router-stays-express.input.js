const express = require('express');

// The app that mounts this router sets the view engine: it is not visible here.
const router = express.Router();

router.get('/', (req, res) => {
  res.render('index', { title: 'Home' });
});

router.get('/status', (req, res) => res.json({ ok: true }));

module.exports = router;
