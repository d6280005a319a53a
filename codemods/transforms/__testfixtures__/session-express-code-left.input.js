const express = require('express');
const cookieParser = require('cookie-parser');
const session = require('express-session');
const passport = require('passport');

const app = express();

app.use(cookieParser('secret'));
app.use(session({ secret: 'secret', resave: false, saveUninitialized: false }));
// passport.session() stays Express middleware and reads req.session: express-session stays with it.
app.use(passport.session());

app.get('/me', (req, res) => {
  res.json({ user: req.user || null });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
