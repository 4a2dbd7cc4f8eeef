// Sent when a reward's code is ready in Shopify (reward.issued with a code).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'reward_issued',
  category: 'account',
  when: "A reward's discount code is ready",
  variables: {
    'reward.name': "The reward's name",
    'reward.code': 'The discount code',
    'reward.apply_url': 'A link that applies the code in the shop',
    'reward.expires_on': 'When the code expires (YYYY-MM-DD; empty when it does not)',
  },
  templates: {
    en: {
      subject: 'Your {{ reward.name }} from {{ shop.name }}',
      body: '<p>Hi {{ member.first_name }},</p><p>Your reward is ready: <strong>{{ reward.code }}</strong>.</p><p><a href="{{ reward.apply_url }}">Use it now</a>{% if reward.expires_on != blank %} (valid until {{ reward.expires_on }}){% endif %}.</p>',
    },
    fr: {
      subject: 'Votre {{ reward.name }} de {{ shop.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Votre récompense est prête : <strong>{{ reward.code }}</strong>.</p><p><a href="{{ reward.apply_url }}">L’utiliser maintenant</a>{% if reward.expires_on != blank %} (valable jusqu’au {{ reward.expires_on }}){% endif %}.</p>',
    },
    de: {
      subject: 'Ihre Prämie {{ reward.name }} von {{ shop.name }}',
      body: '<p>Hallo {{ member.first_name }},</p><p>Ihre Prämie ist bereit: <strong>{{ reward.code }}</strong>.</p><p><a href="{{ reward.apply_url }}">Jetzt einlösen</a>{% if reward.expires_on != blank %} (gültig bis {{ reward.expires_on }}){% endif %}.</p>',
    },
    es: {
      subject: 'Tu {{ reward.name }} de {{ shop.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>Tu recompensa está lista: <strong>{{ reward.code }}</strong>.</p><p><a href="{{ reward.apply_url }}">Úsala ahora</a>{% if reward.expires_on != blank %} (válida hasta el {{ reward.expires_on }}){% endif %}.</p>',
    },
    pl: {
      subject: 'Twoja nagroda {{ reward.name }} od {{ shop.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>Twoja nagroda jest gotowa: <strong>{{ reward.code }}</strong>.</p><p><a href="{{ reward.apply_url }}">Użyj jej teraz</a>{% if reward.expires_on != blank %} (ważna do {{ reward.expires_on }}){% endif %}.</p>',
    },
    'zh-CN': {
      subject: '您在 {{ shop.name }} 的奖励：{{ reward.name }}',
      body: '<p>{{ member.first_name }}，您好：</p><p>您的奖励已就绪：<strong>{{ reward.code }}</strong>。</p><p><a href="{{ reward.apply_url }}">立即使用</a>{% if reward.expires_on != blank %}（有效期至 {{ reward.expires_on }}）{% endif %}。</p>',
    },
  },
});
