// Sent when the birthday rule awards its points (web/jobs/calendar-rules.ts; the points.earned of a birthday rule).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'birthday',
  category: 'reminder',
  when: "The member's birthday (the birthday rule's award)",
  variables: { 'award.points': 'Points the rule awarded' },
  templates: {
    en: {
      subject: 'Happy birthday from {{ shop.name }}!',
      body: '<p>Happy birthday, {{ member.first_name | default: "friend" }}!</p><p>We added <strong>{{ award.points }}</strong> points to your account. You now have {{ member.points }} points.</p>',
    },
    fr: {
      subject: 'Joyeux anniversaire de la part de {{ shop.name }} !',
      body: '<p>Joyeux anniversaire, {{ member.first_name }} !</p><p>Nous avons ajouté <strong>{{ award.points }}</strong> points à votre compte. Vous avez maintenant {{ member.points }} points.</p>',
    },
    de: {
      subject: 'Alles Gute zum Geburtstag von {{ shop.name }}!',
      body: '<p>Alles Gute zum Geburtstag, {{ member.first_name }}!</p><p>Wir haben Ihrem Konto <strong>{{ award.points }}</strong> Punkte gutgeschrieben. Sie haben jetzt {{ member.points }} Punkte.</p>',
    },
    es: {
      subject: '¡Feliz cumpleaños de parte de {{ shop.name }}!',
      body: '<p>¡Feliz cumpleaños, {{ member.first_name }}!</p><p>Hemos añadido <strong>{{ award.points }}</strong> puntos a tu cuenta. Ahora tienes {{ member.points }} puntos.</p>',
    },
    pl: {
      subject: 'Wszystkiego najlepszego od {{ shop.name }}!',
      body: '<p>Wszystkiego najlepszego z okazji urodzin, {{ member.first_name }}!</p><p>Dodaliśmy <strong>{{ award.points }}</strong> pkt do Twojego konta. Masz teraz {{ member.points }} pkt.</p>',
    },
    'zh-CN': {
      subject: '{{ shop.name }} 祝您生日快乐！',
      body: '<p>{{ member.first_name }}，生日快乐！</p><p>我们已向您的账户添加 <strong>{{ award.points }}</strong> 积分。您现有 {{ member.points }} 积分。</p>',
    },
  },
});
