import path from 'node:path';
import express, { type Request, type Response } from 'express';

const app = express();
app.set('view engine', 'ejs');
app.set('views', path.join(process.cwd(), 'views'));
app.locals.siteName = 'Notes';

interface Note { id: string; text: string }
const notes: Record<string, Note> = { a: { id: 'a', text: 'first' } };

app.get('/notes/:id', (req: Request, res: Response) => {
  const note = notes[req.params.id];
  if (!note) {
    res.status(404).render('missing', { id: req.params.id });
    return;
  }
  res.format({
    html: () => {
      const title = `Note ${note.id}`;
      res.render('note', { note, title });
    },
    json: () => {
      res.json(note);
    },
  });
});

export default app;
