const express = require('express');
// expressway-todo: app stays on Express: app is passed to other code
const app = express();

function listUsers(req, res) {
  res.json([]);
}

app.get('/users', listUsers);

module.exports = { app, listUsers };
