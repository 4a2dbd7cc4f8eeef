// The member's referral was rewarded (referral.completed): once per referral, with the points and any reward.
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'referral_completed',
  category: 'account',
  when: "A friend the member referred placed a first order and the member's referral reward was given",
  variables: {
    'referral.points': 'Points the referral earned (0 when the reward is not points)',
    'referral.reward': "The reward's name, when the referral gave one (else empty)",
  },
  templates: {
    en: {
      subject: 'Thanks for referring a friend to {{ shop.name }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>A friend you referred placed their first order.{% if referral.points > 0 %} You earned <strong>{{ referral.points }}</strong> points.{% endif %}{% if referral.reward != blank %} Your reward: <strong>{{ referral.reward }}</strong>.{% endif %}</p>',
    },
    fr: {
      subject: 'Merci d’avoir parrainé un ami chez {{ shop.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Un ami que vous avez parrainé a passé sa première commande.{% if referral.points > 0 %} Vous avez gagné <strong>{{ referral.points }}</strong> points.{% endif %}{% if referral.reward != blank %} Votre récompense : <strong>{{ referral.reward }}</strong>.{% endif %}</p>',
    },
    de: {
      subject: 'Danke für Ihre Empfehlung an {{ shop.name }}',
      body: '<p>Hallo {{ member.first_name }},</p><p>Eine von Ihnen geworbene Person hat ihre erste Bestellung aufgegeben.{% if referral.points > 0 %} Sie haben <strong>{{ referral.points }}</strong> Punkte erhalten.{% endif %}{% if referral.reward != blank %} Ihre Prämie: <strong>{{ referral.reward }}</strong>.{% endif %}</p>',
    },
    es: {
      subject: 'Gracias por recomendar {{ shop.name }} a un amigo',
      body: '<p>Hola {{ member.first_name }}:</p><p>Un amigo al que recomendaste ha hecho su primer pedido.{% if referral.points > 0 %} Has ganado <strong>{{ referral.points }}</strong> puntos.{% endif %}{% if referral.reward != blank %} Tu recompensa: <strong>{{ referral.reward }}</strong>.{% endif %}</p>',
    },
    pl: {
      subject: 'Dziękujemy za polecenie {{ shop.name }} znajomemu',
      body: '<p>Cześć {{ member.first_name }},</p><p>Polecona przez Ciebie osoba złożyła pierwsze zamówienie.{% if referral.points > 0 %} Otrzymujesz <strong>{{ referral.points }}</strong> pkt.{% endif %}{% if referral.reward != blank %} Twoja nagroda: <strong>{{ referral.reward }}</strong>.{% endif %}</p>',
    },
    'zh-CN': {
      subject: '感谢您向好友推荐 {{ shop.name }}',
      body: '<p>{{ member.first_name }}，您好：</p><p>您推荐的好友已完成首笔订单。{% if referral.points > 0 %}您获得了 <strong>{{ referral.points }}</strong> 积分。{% endif %}{% if referral.reward != blank %}您的奖励：<strong>{{ referral.reward }}</strong>。{% endif %}</p>',
    },
  },
});
