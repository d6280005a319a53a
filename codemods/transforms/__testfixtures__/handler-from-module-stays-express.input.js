const express = require('express');
const users = require('./controllers/users');
const app = express();

app.get('/users', users.list);
app.get('/health', (req, res) => res.json({ ok: true }));

module.exports = app;
