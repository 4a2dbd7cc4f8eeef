// The survey_invite email's links (web/email/messages/survey-invite.ts), at /proxy/email/survey — what Shopify's app
// proxy forwards https://<shop>/apps/tally/email/survey to. Like the unsubscribe link it is mounted before the
// app-proxy signature check: its own signature (web/surveys/invites.ts, the email links' key) authorises it, days
// after the email went.
//
//  GET ?i=<invite>&v=<score>&sig=…  (a score button): a page with the score preselected in a form that POSTs it. A
//       tiny script submits the form at once (one click for the member); without scripts its button does. The GET
//       itself records nothing, because link scanners and mail previews fetch every URL of an email (Outlook's Safe
//       Links, Gmail's proxy): a GET that answered would record scores nobody gave. A scanner that runs scripts and
//       submits forms could still answer; the member's own click replaces that answer (the latest counts), and it
//       earns no second payment.
//  GET ?i=<invite>&sig=…  (the "Answer" button; CLI and polls): the answer form, nothing preselected.
//  POST i, t (the page's signature, over the invite alone), a.<question key>=<number>, comment: records the answer
//       through the core's recordResponse (channel email: validated, replacing the period's earlier answer, points
//       once) and shows the comment page — the answer, "why", and the points this answer earned — which POSTs again.
// A link whose signature is wrong → 400; an invite whose survey is closed, or whose period is over → 410. Neither
// changes anything. Pages are in the member's language, escape every value, and carry a CSP that allows only the
// one hashed script and style.
import { createHash } from 'node:crypto';
import express, { Router, type Response } from 'express';
import { HttpError } from '../http/errors.js';
import type { EmailLocale } from '../email/messages/index.js';
import { answerByEmail, openInvite, type EmailAnswerDeps, type OpenInvite } from '../surveys/email-answers.js';
import { scoredInEmail, surveyLinkSignature, type SurveyRow } from '../surveys/invites.js';
import { commentPromptIn, QUESTION_KEYS, questionsIn } from '../surveys/types.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

const SCRIPT = `document.getElementById('tally-answer').submit();`;
const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}' +
  'fieldset{border:0;padding:0;margin:0 0 1.2rem}legend{font-weight:600;margin-bottom:.5rem}' +
  '.scale{display:flex;flex-wrap:wrap;gap:.3rem}.scale label{display:inline-flex;align-items:center;gap:.2rem;padding:.3rem .5rem;border:1px solid #8c9196;border-radius:6px}' +
  'textarea{width:100%;min-height:6rem;font:inherit;box-sizing:border-box}' +
  'button{font:inherit;padding:.6rem 1.2rem;border-radius:8px;border:0;background:#1a1a1a;color:#fff;cursor:pointer;margin-top:.8rem}' +
  '.note{background:#f1f8f5;border-radius:8px;padding:.6rem .8rem}';
const CSP = `default-src 'none'; script-src ${sha256(SCRIPT)}; style-src ${sha256(STYLE)}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

interface Words {
  sending: string;
  send: string;
  answerTitle: string;
  thanks: string;
  earned: string;
  change: string;
  save: string;
  commentSaved: string;
  invalid: string;
  invalidBody: string;
  closed: string;
  closedBody: string;
}

const WORDS: Record<EmailLocale, Words> = {
  en: {
    sending: 'Sending your answer…',
    send: 'Send my answer',
    answerTitle: 'Your answer',
    thanks: 'Thank you! Your answer is saved.',
    earned: 'You earned {points} points for answering.',
    change: 'You can change your answer and tell us why:',
    save: 'Save',
    commentSaved: 'Your comment is saved.',
    invalid: 'Link not valid',
    invalidBody: 'This survey link is not valid.',
    closed: 'This survey has closed',
    closedBody: 'This survey no longer takes answers. Thank you all the same.',
  },
  de: {
    sending: 'Ihre Antwort wird gesendet…',
    send: 'Antwort senden',
    answerTitle: 'Ihre Antwort',
    thanks: 'Vielen Dank! Ihre Antwort ist gespeichert.',
    earned: 'Sie haben {points} Punkte für Ihre Antwort erhalten.',
    change: 'Sie können Ihre Antwort ändern und uns sagen, warum:',
    save: 'Speichern',
    commentSaved: 'Ihr Kommentar ist gespeichert.',
    invalid: 'Link ungültig',
    invalidBody: 'Dieser Umfragelink ist nicht gültig.',
    closed: 'Diese Umfrage ist beendet',
    closedBody: 'Diese Umfrage nimmt keine Antworten mehr an. Trotzdem vielen Dank.',
  },
  fr: {
    sending: 'Envoi de votre réponse…',
    send: 'Envoyer ma réponse',
    answerTitle: 'Votre réponse',
    thanks: 'Merci ! Votre réponse est enregistrée.',
    earned: 'Vous avez gagné {points} points pour votre réponse.',
    change: 'Vous pouvez modifier votre réponse et nous dire pourquoi :',
    save: 'Enregistrer',
    commentSaved: 'Votre commentaire est enregistré.',
    invalid: 'Lien non valide',
    invalidBody: 'Ce lien de sondage n’est pas valide.',
    closed: 'Ce sondage est clos',
    closedBody: 'Ce sondage n’accepte plus de réponses. Merci tout de même.',
  },
  es: {
    sending: 'Enviando tu respuesta…',
    send: 'Enviar mi respuesta',
    answerTitle: 'Tu respuesta',
    thanks: '¡Gracias! Tu respuesta se ha guardado.',
    earned: 'Has ganado {points} puntos por responder.',
    change: 'Puedes cambiar tu respuesta y contarnos por qué:',
    save: 'Guardar',
    commentSaved: 'Tu comentario se ha guardado.',
    invalid: 'Enlace no válido',
    invalidBody: 'Este enlace de encuesta no es válido.',
    closed: 'Esta encuesta ha terminado',
    closedBody: 'Esta encuesta ya no acepta respuestas. Gracias de todos modos.',
  },
  pl: {
    sending: 'Wysyłamy Twoją odpowiedź…',
    send: 'Wyślij odpowiedź',
    answerTitle: 'Twoja odpowiedź',
    thanks: 'Dziękujemy! Twoja odpowiedź została zapisana.',
    earned: 'Za odpowiedź otrzymujesz {points} pkt.',
    change: 'Możesz zmienić odpowiedź i napisać, dlaczego:',
    save: 'Zapisz',
    commentSaved: 'Twój komentarz został zapisany.',
    invalid: 'Nieprawidłowy link',
    invalidBody: 'Ten link do ankiety jest nieprawidłowy.',
    closed: 'Ankieta została zamknięta',
    closedBody: 'Ta ankieta nie przyjmuje już odpowiedzi. Mimo to dziękujemy.',
  },
  'zh-CN': {
    sending: '正在提交您的回答…',
    send: '提交回答',
    answerTitle: '您的回答',
    thanks: '谢谢！您的回答已保存。',
    earned: '您因回答获得了 {points} 积分。',
    change: '您可以修改回答并告诉我们原因：',
    save: '保存',
    commentSaved: '您的评论已保存。',
    invalid: '链接无效',
    invalidBody: '此调查链接无效。',
    closed: '此调查已结束',
    closedBody: '此调查不再接受回答。仍然感谢您。',
  },
};

function page(res: Response, status: number, locale: EmailLocale, title: string, body: string, script = false) {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .set('Content-Security-Policy', CSP)
    .set('X-Content-Type-Options', 'nosniff')
    .set('Referrer-Policy', 'no-referrer')
    .type('html')
    .send(
      `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style></head>` +
        `<body><main><h1>${esc(title)}</h1>${body}</main>${script ? `<script>${SCRIPT}</script>` : ''}</body></html>`,
    );
}

type Open = Extract<OpenInvite, { invite: unknown }>;

function refused(res: Response, found: { status: 400 | 410; locale: EmailLocale }) {
  const w = WORDS[found.locale];
  if (found.status === 400) return page(res, 400, found.locale, w.invalid, `<p>${esc(w.invalidBody)}</p>`);
  page(res, 410, found.locale, w.closed, `<p>${esc(w.closedBody)}</p>`);
}

/** The answer form: each question's scale (a poll's choices) with `answers` checked, the "why", and the page's signature. */
function answerForm(f: Open, secret: string, answers: Record<string, number>, comment: string, button: string): string {
  const shopName = f.invite.shopName ?? f.invite.shop;
  const token = surveyLinkSignature(f.invite.shop, f.invite.id, null, secret);
  const fields = questionsIn(f.survey, f.locale, shopName)
    .map((q, n) => {
      const options = [];
      for (let v = q.scale.min; v <= q.scale.max; v++) {
        const label = q.choices?.[v] ?? String(v);
        options.push(
          `<label><input type="radio" name="a.${esc(q.key)}" value="${v}" required${answers[q.key] === v ? ' checked' : ''}>${esc(label)}</label>`,
        );
      }
      return `<fieldset><legend id="q${n}">${esc(q.text)}</legend><div class="scale" role="radiogroup" aria-labelledby="q${n}">${options.join('')}</div></fieldset>`;
    })
    .join('');
  const prompt = commentPromptIn(f.survey, f.locale, shopName);
  return (
    `<form id="tally-answer" method="post">` +
    `<input type="hidden" name="i" value="${esc(f.invite.id)}"><input type="hidden" name="t" value="${esc(token)}">` +
    fields +
    `<label for="comment">${esc(prompt)}</label><textarea id="comment" name="comment" maxlength="2000">${esc(comment)}</textarea>` +
    `<button type="submit">${esc(button)}</button></form>`
  );
}

/** The answers a posted form gives: a.<question key> fields, as numbers (checked against the scale by recordResponse). */
function postedAnswers(survey: SurveyRow, body: Record<string, unknown>): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const key of QUESTION_KEYS[survey.type]) {
    const raw = body[`a.${key}`];
    answers[key] = typeof raw === 'string' && /^-?\d{1,3}$/.test(raw) ? Number(raw) : raw;
  }
  return answers;
}

export function surveyLinkRoutes(deps: EmailAnswerDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const raw = req.query.v;
    const score = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : raw === undefined ? null : NaN;
    if (Number.isNaN(score)) return refused(res, { status: 400, locale: 'en' });
    const found = await openInvite(deps, req.query.i, score, req.query.sig, new Date());
    if ('status' in found) return refused(res, found);
    const w = WORDS[found.locale];
    if (score === null || !scoredInEmail(found.survey.type))
      return page(res, 200, found.locale, w.answerTitle, answerForm(found, deps.secret, {}, '', w.send));
    // The score the member clicked, preselected and submitted by the script: this GET records nothing.
    const answers = { [QUESTION_KEYS[found.survey.type][0]]: score };
    page(res, 200, found.locale, w.sending, answerForm(found, deps.secret, answers, '', w.send), true);
  });

  router.post('/', express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const now = new Date();
    const found = await openInvite(deps, body.i, null, body.t, now);
    if ('status' in found) return refused(res, found);
    const w = WORDS[found.locale];
    const comment = typeof body.comment === 'string' ? body.comment.slice(0, 2000) : '';
    const answers = postedAnswers(found.survey, body);
    let saved;
    try {
      saved = await answerByEmail(deps, found, answers, comment, now);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.status === 409 || error.status === 404) return refused(res, { status: 410, locale: found.locale });
      return page(
        res,
        400,
        found.locale,
        w.answerTitle,
        `<p>${esc(error.message)}</p>` + answerForm(found, deps.secret, {}, comment, w.send),
      );
    }
    const points = saved.pointsAwarded;
    const notes =
      `<p class="note" role="status">${esc(w.thanks)}${comment.trim() ? ` ${esc(w.commentSaved)}` : ''}` +
      `${points > 0 ? ` <strong id="tally-points">${esc(w.earned.replace('{points}', String(points)))}</strong>` : ''}</p>`;
    page(
      res,
      200,
      found.locale,
      w.answerTitle,
      notes + `<p>${esc(w.change)}</p>` + answerForm(found, deps.secret, saved.answers, comment, w.save),
    );
  });

  return router;
}
