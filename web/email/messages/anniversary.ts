// Sent when the anniversary rule awards its points (web/jobs/calendar-rules.ts; the points.earned of a anniversary rule).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'anniversary',
  category: 'reminder',
  when: "The anniversary of the member's joining (the anniversary rule's award)",
  variables: { 'award.points': 'Points the rule awarded' },
  templates: {
    en: {
      subject: 'Happy anniversary with {{ shop.name }}!',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>Thank you for another year with us. We added <strong>{{ award.points }}</strong> points to your account; you now have {{ member.points }} points.</p>',
    },
    fr: {
      subject: 'Joyeux anniversaire d’adhésion chez {{ shop.name }} !',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Merci pour cette nouvelle année avec nous. Nous avons ajouté <strong>{{ award.points }}</strong> points à votre compte ; vous avez maintenant {{ member.points }} points.</p>',
    },
    de: {
      subject: 'Ein Jahr mehr mit {{ shop.name }}!',
      body: '<p>Hallo {{ member.first_name }},</p><p>danke für ein weiteres Jahr mit uns. Wir haben Ihrem Konto <strong>{{ award.points }}</strong> Punkte gutgeschrieben; Sie haben jetzt {{ member.points }} Punkte.</p>',
    },
    es: {
      subject: '¡Feliz aniversario con {{ shop.name }}!',
      body: '<p>Hola {{ member.first_name }}:</p><p>Gracias por un año más con nosotros. Hemos añadido <strong>{{ award.points }}</strong> puntos a tu cuenta; ahora tienes {{ member.points }} puntos.</p>',
    },
    pl: {
      subject: 'Kolejny rok z {{ shop.name }}!',
      body: '<p>Cześć {{ member.first_name }},</p><p>dziękujemy za kolejny rok z nami. Dodaliśmy <strong>{{ award.points }}</strong> pkt do Twojego konta; masz teraz {{ member.points }} pkt.</p>',
    },
    'zh-CN': {
      subject: '感谢您与 {{ shop.name }} 又相伴一年！',
      body: '<p>{{ member.first_name }}，您好：</p><p>感谢您又一年的支持。我们已向您的账户添加 <strong>{{ award.points }}</strong> 积分，您现有 {{ member.points }} 积分。</p>',
    },
  },
});
