// A request for feedback (issue 21): the survey's question with a row of score buttons (0–10 NPS, 1–5 CSAT, 1–7 CES),
// each a signed link that records the score in one click (web/routes/survey-links.ts) and opens the comment page; CLI
// (three questions) and a poll get one "Answer" button to that page. Once per invite (cause "survey-invite:<id>").
//
// Category: reminder. It asks about the member's own experience of the shop and offers no product, price or
// discount, so it is not marketing (marketing goes only to customers SUBSCRIBED in Shopify, off by default); the
// points for answering are the loyalty program's own, like points_expiring's nudge. As a reminder it keeps to the
// member's frequency cap and the shop's send window (web/email/schedule.ts), and a member who unsubscribed from
// reminders gets none. A merchant whose lawyers read feedback requests as marketing switches the message off.
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'survey_invite',
  category: 'reminder',
  when: 'A survey asks the member (after an order, N days after it, every N months, or sent by hand); once per survey and period',
  variables: {
    'survey.name': "The survey's name",
    'survey.type': 'nps, csat, ces, cli or poll',
    'survey.question': "The question in the member's language",
    'survey.scores': 'The score buttons (NPS, CSAT, CES), each with score and url (one click answers); empty for CLI and polls',
    'survey.answer_url': 'The answer page (every type), where the member picks and comments',
    'survey.points': 'Points for answering (0: none)',
  },
  sample: {
    'survey.type': 'nps',
    'survey.question': 'How likely are you to recommend Tally Demo Store to a friend?',
    'survey.points': 50,
    'survey.scores': Array.from({ length: 11 }, (_, score) => ({ score, url: 'https://example.com/survey' })),
    'survey.answer_url': 'https://example.com/survey',
  },
  templates: {
    en: {
      subject: '{{ shop.name }} would like your opinion',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p><strong>{{ survey.question }}</strong></p>{% if survey.scores.size > 0 %}<p>Click a number: one click sends your answer, and you can add a comment after.</p><table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:separate;border-spacing:4px 0"><tr>{% for s in survey.scores %}<td><a href="{{ s.url }}" style="display:inline-block;min-width:28px;padding:8px 4px;border:1px solid #8c9196;border-radius:6px;text-align:center;color:#1a1a1a;text-decoration:none;font-weight:bold">{{ s.score }}</a></td>{% endfor %}</tr></table>{% else %}<p><a href="{{ survey.answer_url }}" style="display:inline-block;padding:10px 20px;border-radius:6px;background:#1a1a1a;color:#ffffff;text-decoration:none">Answer</a></p>{% endif %}{% if survey.points > 0 %}<p>Answer and get <strong>{{ survey.points }} points</strong>.</p>{% endif %}',
    },
    fr: {
      subject: '{{ shop.name }} aimerait avoir votre avis',
      body: '<p>Bonjour {{ member.first_name }},</p><p><strong>{{ survey.question }}</strong></p>{% if survey.scores.size > 0 %}<p>Cliquez sur une note : un clic envoie votre réponse, vous pourrez ensuite ajouter un commentaire.</p><table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:separate;border-spacing:4px 0"><tr>{% for s in survey.scores %}<td><a href="{{ s.url }}" style="display:inline-block;min-width:28px;padding:8px 4px;border:1px solid #8c9196;border-radius:6px;text-align:center;color:#1a1a1a;text-decoration:none;font-weight:bold">{{ s.score }}</a></td>{% endfor %}</tr></table>{% else %}<p><a href="{{ survey.answer_url }}" style="display:inline-block;padding:10px 20px;border-radius:6px;background:#1a1a1a;color:#ffffff;text-decoration:none">Répondre</a></p>{% endif %}{% if survey.points > 0 %}<p>Répondez et recevez <strong>{{ survey.points }} points</strong>.</p>{% endif %}',
    },
    de: {
      subject: '{{ shop.name }} möchte Ihre Meinung wissen',
      body: '<p>Hallo {{ member.first_name }},</p><p><strong>{{ survey.question }}</strong></p>{% if survey.scores.size > 0 %}<p>Klicken Sie auf eine Zahl: Ein Klick sendet Ihre Antwort, danach können Sie einen Kommentar hinzufügen.</p><table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:separate;border-spacing:4px 0"><tr>{% for s in survey.scores %}<td><a href="{{ s.url }}" style="display:inline-block;min-width:28px;padding:8px 4px;border:1px solid #8c9196;border-radius:6px;text-align:center;color:#1a1a1a;text-decoration:none;font-weight:bold">{{ s.score }}</a></td>{% endfor %}</tr></table>{% else %}<p><a href="{{ survey.answer_url }}" style="display:inline-block;padding:10px 20px;border-radius:6px;background:#1a1a1a;color:#ffffff;text-decoration:none">Antworten</a></p>{% endif %}{% if survey.points > 0 %}<p>Antworten Sie und erhalten Sie <strong>{{ survey.points }} Punkte</strong>.</p>{% endif %}',
    },
    es: {
      subject: '{{ shop.name }} quiere saber tu opinión',
      body: '<p>Hola {{ member.first_name }}:</p><p><strong>{{ survey.question }}</strong></p>{% if survey.scores.size > 0 %}<p>Haz clic en un número: un clic envía tu respuesta y después puedes añadir un comentario.</p><table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:separate;border-spacing:4px 0"><tr>{% for s in survey.scores %}<td><a href="{{ s.url }}" style="display:inline-block;min-width:28px;padding:8px 4px;border:1px solid #8c9196;border-radius:6px;text-align:center;color:#1a1a1a;text-decoration:none;font-weight:bold">{{ s.score }}</a></td>{% endfor %}</tr></table>{% else %}<p><a href="{{ survey.answer_url }}" style="display:inline-block;padding:10px 20px;border-radius:6px;background:#1a1a1a;color:#ffffff;text-decoration:none">Responder</a></p>{% endif %}{% if survey.points > 0 %}<p>Responde y recibe <strong>{{ survey.points }} puntos</strong>.</p>{% endif %}',
    },
    pl: {
      subject: '{{ shop.name }} prosi o Twoją opinię',
      body: '<p>Cześć {{ member.first_name }},</p><p><strong>{{ survey.question }}</strong></p>{% if survey.scores.size > 0 %}<p>Kliknij liczbę: jedno kliknięcie wysyła odpowiedź, potem możesz dodać komentarz.</p><table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:separate;border-spacing:4px 0"><tr>{% for s in survey.scores %}<td><a href="{{ s.url }}" style="display:inline-block;min-width:28px;padding:8px 4px;border:1px solid #8c9196;border-radius:6px;text-align:center;color:#1a1a1a;text-decoration:none;font-weight:bold">{{ s.score }}</a></td>{% endfor %}</tr></table>{% else %}<p><a href="{{ survey.answer_url }}" style="display:inline-block;padding:10px 20px;border-radius:6px;background:#1a1a1a;color:#ffffff;text-decoration:none">Odpowiedz</a></p>{% endif %}{% if survey.points > 0 %}<p>Odpowiedz i otrzymaj <strong>{{ survey.points }} pkt</strong>.</p>{% endif %}',
    },
    'zh-CN': {
      subject: '{{ shop.name }} 想听听您的意见',
      body: '<p>{{ member.first_name }}，您好：</p><p><strong>{{ survey.question }}</strong></p>{% if survey.scores.size > 0 %}<p>点击一个分数：一次点击即可提交，之后还可以补充评论。</p><table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:separate;border-spacing:4px 0"><tr>{% for s in survey.scores %}<td><a href="{{ s.url }}" style="display:inline-block;min-width:28px;padding:8px 4px;border:1px solid #8c9196;border-radius:6px;text-align:center;color:#1a1a1a;text-decoration:none;font-weight:bold">{{ s.score }}</a></td>{% endfor %}</tr></table>{% else %}<p><a href="{{ survey.answer_url }}" style="display:inline-block;padding:10px 20px;border-radius:6px;background:#1a1a1a;color:#ffffff;text-decoration:none">回答</a></p>{% endif %}{% if survey.points > 0 %}<p>回答即可获得 <strong>{{ survey.points }} 积分</strong>。</p>{% endif %}',
    },
  },
});
