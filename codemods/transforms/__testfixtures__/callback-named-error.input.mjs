import express from 'express';

const router = express.Router();

// express-session's callbacks: regenerate((err) => ...), then save((saveErr) => ...).
router.post('/login', (req, res, next) => {
  req.session.regenerate((err) => {
    if (err) return next(err);
    req.session.userId = req.body.id;
    req.session.save((saveErr) => {
      if (saveErr) return next(saveErr);
      res.json({ ok: true });
    });
  });
});

export default router;
