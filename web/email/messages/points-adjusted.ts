// Sent when a merchant adds or takes points by hand with a note (points.adjusted from the admin).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'points_adjusted',
  category: 'account',
  when: 'A merchant adjusts a member’s points with a note',
  variables: {
    'adjustment.points': 'Points added (negative: taken)',
    'adjustment.note': "The merchant's note",
  },
  templates: {
    en: {
      subject: 'Your {{ shop.name }} points balance changed',
      body: '<p>Hi {{ member.first_name }},</p><p>We adjusted your points by <strong>{{ adjustment.points }}</strong>: {{ adjustment.note }}</p><p>Your balance is now {{ member.points }} points.</p>',
    },
    fr: {
      subject: 'Votre solde de points chez {{ shop.name }} a changé',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Nous avons ajusté vos points de <strong>{{ adjustment.points }}</strong> : {{ adjustment.note }}</p><p>Votre solde est maintenant de {{ member.points }} points.</p>',
    },
    de: {
      subject: 'Ihr Punktestand bei {{ shop.name }} hat sich geändert',
      body: '<p>Hallo {{ member.first_name }},</p><p>wir haben Ihre Punkte um <strong>{{ adjustment.points }}</strong> angepasst: {{ adjustment.note }}</p><p>Ihr Punktestand beträgt jetzt {{ member.points }} Punkte.</p>',
    },
    es: {
      subject: 'Tu saldo de puntos en {{ shop.name }} ha cambiado',
      body: '<p>Hola {{ member.first_name }}:</p><p>Hemos ajustado tus puntos en <strong>{{ adjustment.points }}</strong>: {{ adjustment.note }}</p><p>Tu saldo actual es de {{ member.points }} puntos.</p>',
    },
    pl: {
      subject: 'Zmieniło się saldo Twoich punktów w {{ shop.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>Zmieniliśmy Twoje punkty o <strong>{{ adjustment.points }}</strong>: {{ adjustment.note }}</p><p>Twoje saldo wynosi teraz {{ member.points }} pkt.</p>',
    },
    'zh-CN': {
      subject: '您在 {{ shop.name }} 的积分余额已变动',
      body: '<p>{{ member.first_name }}，您好：</p><p>我们已调整您的积分 <strong>{{ adjustment.points }}</strong>：{{ adjustment.note }}</p><p>您当前的积分余额为 {{ member.points }}。</p>',
    },
  },
});
