import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

const here = path.dirname(fileURLToPath(import.meta.url));
const app = express();

app.set('view engine', 'ejs');
app.set('views', path.join(here, 'views'));
app.disable('etag');

app.get('/', (req, res) => {
  res.locals.locale = 'en';
  // Rendered with app.locals, res.locals and these, in that order.
  res.status(200).render('page', { title: 'Home' });
});

app.get('/plain', (req, res) => res.render('page'));

export default app;
