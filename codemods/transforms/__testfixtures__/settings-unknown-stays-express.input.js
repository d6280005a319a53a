const express = require('express');
const app = express();

app.set('json escape', true);

app.get('/', (req, res) => res.json({ pretty: true }));

module.exports = app;
