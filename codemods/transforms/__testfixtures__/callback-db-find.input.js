var express = require('express');
var db = require('./db');

var router = express.Router();

router.get('/', function (req, res, next) {
  var filter = {};
  if (req.query.currency) filter.currency = req.query.currency;
  db.find(filter, function (err, accounts) {
    if (err) return next(err);
    res.json(accounts);
  });
});

module.exports = router;
