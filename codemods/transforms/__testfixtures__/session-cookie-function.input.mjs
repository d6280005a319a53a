import express from 'express';
import session from 'express-session';

const app = express();

// The cookie settings are computed per request: the runtime's session() takes them as an object only.
app.use(session({ secret: 'secret', resave: false, saveUninitialized: true, cookie: (req) => ({ secure: req.secure }) }));

app.get('/', (req, res) => {
  res.json({ id: req.session.id });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

export default app;
