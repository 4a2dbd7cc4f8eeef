// Sent when a member moves up a VIP tier (tier.changed, direction up).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'tier_up',
  category: 'account',
  when: 'A member reaches a higher VIP tier',
  variables: { 'tier.name': 'The tier reached', 'tier.previous': 'The tier left (may be empty)' },
  templates: {
    en: {
      subject: "You've reached {{ tier.name }} at {{ shop.name }}",
      body: '<p>Congratulations {{ member.first_name }}!</p><p>You are now a <strong>{{ tier.name }}</strong> member. Enjoy your new perks on your next order.</p>',
    },
    fr: {
      subject: 'Vous avez atteint le niveau {{ tier.name }} chez {{ shop.name }}',
      body: '<p>Félicitations {{ member.first_name }} !</p><p>Vous êtes désormais membre <strong>{{ tier.name }}</strong>. Profitez de vos nouveaux avantages dès votre prochaine commande.</p>',
    },
    de: {
      subject: 'Sie haben {{ tier.name }} bei {{ shop.name }} erreicht',
      body: '<p>Herzlichen Glückwunsch, {{ member.first_name }}!</p><p>Sie sind jetzt <strong>{{ tier.name }}</strong>-Mitglied. Genießen Sie Ihre neuen Vorteile bei Ihrer nächsten Bestellung.</p>',
    },
    es: {
      subject: 'Has alcanzado el nivel {{ tier.name }} en {{ shop.name }}',
      body: '<p>¡Enhorabuena, {{ member.first_name }}!</p><p>Ahora eres miembro <strong>{{ tier.name }}</strong>. Disfruta de tus nuevas ventajas en tu próximo pedido.</p>',
    },
    pl: {
      subject: 'Osiągnięto poziom {{ tier.name }} w {{ shop.name }}',
      body: '<p>Gratulacje, {{ member.first_name }}!</p><p>Masz teraz poziom <strong>{{ tier.name }}</strong>. Korzystaj z nowych przywilejów przy następnym zamówieniu.</p>',
    },
    'zh-CN': {
      subject: '您已升级为 {{ shop.name }} 的 {{ tier.name }} 会员',
      body: '<p>恭喜 {{ member.first_name }}！</p><p>您现在是 <strong>{{ tier.name }}</strong> 会员。下次购物即可享受新权益。</p>',
    },
  },
});
