// Sent when a member moves down a VIP tier (tier.changed, direction down).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'tier_down',
  category: 'account',
  when: 'A member moves down to a lower VIP tier',
  variables: { 'tier.name': 'The tier the member is in now', 'tier.previous': 'The tier left' },
  templates: {
    en: {
      subject: 'Your {{ shop.name }} tier is now {{ tier.name }}',
      body: '<p>Hi {{ member.first_name }},</p><p>Your tier has changed from {{ tier.previous }} to <strong>{{ tier.name }}</strong>. Keep earning points to move back up.</p>',
    },
    fr: {
      subject: 'Votre niveau chez {{ shop.name }} est désormais {{ tier.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Votre niveau est passé de {{ tier.previous }} à <strong>{{ tier.name }}</strong>. Continuez à gagner des points pour remonter.</p>',
    },
    de: {
      subject: 'Ihre Stufe bei {{ shop.name }} ist jetzt {{ tier.name }}',
      body: '<p>Hallo {{ member.first_name }},</p><p>Ihre Stufe hat sich von {{ tier.previous }} auf <strong>{{ tier.name }}</strong> geändert. Sammeln Sie weiter Punkte, um wieder aufzusteigen.</p>',
    },
    es: {
      subject: 'Tu nivel en {{ shop.name }} ahora es {{ tier.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>Tu nivel ha pasado de {{ tier.previous }} a <strong>{{ tier.name }}</strong>. Sigue ganando puntos para volver a subir.</p>',
    },
    pl: {
      subject: 'Twój poziom w {{ shop.name }} to teraz {{ tier.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>Twój poziom zmienił się z {{ tier.previous }} na <strong>{{ tier.name }}</strong>. Zbieraj dalej punkty, aby wrócić wyżej.</p>',
    },
    'zh-CN': {
      subject: '您在 {{ shop.name }} 的会员等级现为 {{ tier.name }}',
      body: '<p>{{ member.first_name }}，您好：</p><p>您的等级已从 {{ tier.previous }} 调整为 <strong>{{ tier.name }}</strong>。继续赚取积分即可重新升级。</p>',
    },
  },
});
