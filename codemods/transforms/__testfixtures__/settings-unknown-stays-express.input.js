const express = require('express');
const app = express();

app.set('json spaces', 2);

app.get('/', (req, res) => res.json({ pretty: true }));

module.exports = app;
