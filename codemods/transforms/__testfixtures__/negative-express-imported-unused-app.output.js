const express = require('express');

// Receives someone else's app: not provably Express, left alone.
module.exports = function register(app) {
  app.get('/x', (req, res) => res.json({}));
};
