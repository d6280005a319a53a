const express = require('express');
const router = express.Router();

router.post('/', (req, res) => {
  const id = 42;
  res.status(201).location(`${req.baseUrl}/${id}`).json({ id });
});

router.get('/:id/self', (req, res) => {
  res.json({ self: `${req.baseUrl}/${req.params.id}/self` });
});

module.exports = router;
