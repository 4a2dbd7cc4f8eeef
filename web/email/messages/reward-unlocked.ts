// The balance crossed the cost of a reward the member could not afford before (at most once per reward per 30 days).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'reward_unlocked',
  category: 'reminder',
  when: 'The balance now covers a reward the member could not afford before (at most once per reward per 30 days)',
  variables: { 'reward.name': "The reward's name", 'reward.cost': 'Its cost in points' },
  templates: {
    en: {
      subject: 'You have enough points for {{ reward.name }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>With {{ member.points }} points you can now get <strong>{{ reward.name }}</strong> ({{ reward.cost }} points) at {{ shop.name }}.</p>',
    },
    fr: {
      subject: 'Vous avez assez de points pour {{ reward.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Avec {{ member.points }} points, vous pouvez maintenant obtenir <strong>{{ reward.name }}</strong> ({{ reward.cost }} points) chez {{ shop.name }}.</p>',
    },
    de: {
      subject: 'Ihre Punkte reichen jetzt für {{ reward.name }}',
      body: '<p>Hallo {{ member.first_name }},</p><p>Mit {{ member.points }} Punkten können Sie jetzt <strong>{{ reward.name }}</strong> ({{ reward.cost }} Punkte) bei {{ shop.name }} einlösen.</p>',
    },
    es: {
      subject: 'Ya tienes puntos suficientes para {{ reward.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>Con {{ member.points }} puntos ya puedes conseguir <strong>{{ reward.name }}</strong> ({{ reward.cost }} puntos) en {{ shop.name }}.</p>',
    },
    pl: {
      subject: 'Masz już dość punktów na {{ reward.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>Mając {{ member.points }} pkt, możesz teraz odebrać <strong>{{ reward.name }}</strong> ({{ reward.cost }} pkt) w {{ shop.name }}.</p>',
    },
    'zh-CN': {
      subject: '您的积分已足够兑换 {{ reward.name }}',
      body: '<p>{{ member.first_name }}，您好：</p><p>您现有 {{ member.points }} 积分，可以在 {{ shop.name }} 兑换 <strong>{{ reward.name }}</strong>（{{ reward.cost }} 积分）。</p>',
    },
  },
});
