const { Router } = require('express');

const router = Router({ mergeParams: true });

router.delete('/:id', (req, res) => {
  res.sendStatus(204);
});

module.exports = router;
