// An issued, unused reward code expires within 7 days (reward.expiring_soon, from the remind-expiring-rewards job).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'reward_expiring',
  category: 'reminder',
  when: 'An unused reward code expires in 7 days',
  variables: {
    'reward.name': "The reward's name",
    'reward.code': 'The discount code',
    'reward.apply_url': 'A link that applies the code in the shop',
    'reward.expires_on': 'When the code expires (YYYY-MM-DD)',
  },
  templates: {
    en: {
      subject: 'Your {{ reward.name }} expires on {{ reward.expires_on }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>Your code <strong>{{ reward.code }}</strong> expires on {{ reward.expires_on }}.</p><p><a href="{{ reward.apply_url }}">Use it now</a></p>',
    },
    fr: {
      subject: 'Votre {{ reward.name }} expire le {{ reward.expires_on }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Votre code <strong>{{ reward.code }}</strong> expire le {{ reward.expires_on }}.</p><p><a href="{{ reward.apply_url }}">L’utiliser maintenant</a></p>',
    },
    de: {
      subject: 'Ihre Prämie {{ reward.name }} läuft am {{ reward.expires_on }} ab',
      body: '<p>Hallo {{ member.first_name }},</p><p>Ihr Code <strong>{{ reward.code }}</strong> läuft am {{ reward.expires_on }} ab.</p><p><a href="{{ reward.apply_url }}">Jetzt einlösen</a></p>',
    },
    es: {
      subject: 'Tu {{ reward.name }} caduca el {{ reward.expires_on }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>Tu código <strong>{{ reward.code }}</strong> caduca el {{ reward.expires_on }}.</p><p><a href="{{ reward.apply_url }}">Úsalo ahora</a></p>',
    },
    pl: {
      subject: 'Twoja nagroda {{ reward.name }} wygasa {{ reward.expires_on }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>Twój kod <strong>{{ reward.code }}</strong> wygasa {{ reward.expires_on }}.</p><p><a href="{{ reward.apply_url }}">Użyj go teraz</a></p>',
    },
    'zh-CN': {
      subject: '您的 {{ reward.name }} 将于 {{ reward.expires_on }} 过期',
      body: '<p>{{ member.first_name }}，您好：</p><p>您的优惠码 <strong>{{ reward.code }}</strong> 将于 {{ reward.expires_on }} 过期。</p><p><a href="{{ reward.apply_url }}">立即使用</a></p>',
    },
  },
});
