const express = require('express');
const tasks = require('./tasks');

const router = express.Router();

router.get('/:projectId', (req, res) => {
  res.json({ project: req.params.projectId });
});

// The tasks router (mergeParams) reads :projectId; its module decides whether it migrates.
router.use('/:projectId/tasks', tasks);

// Only router modules of the app move under a path with params.
router.use('/:projectId/audit', (req, res, next) => {
  res.set('x-audit', req.params.projectId);
  next();
});

module.exports = router;
