const express = require('express');
// expressway-todo: app stays on Express: the runtime's ctx.json does not escape <, > and & (Express's 'json escape')
const app = express();

app.set('json escape', true);

app.get('/', (req, res) => res.json({ pretty: true }));

module.exports = app;
