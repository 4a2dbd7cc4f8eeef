// A downgrade is due within 30 days (the review-tiers job's tier.at_risk, once per member and tier period): the date
// the tier goes and what keeps it — the points to earn, the amount to spend or the orders to place before then, by the
// tier policy's basis (web/subscribers/tier.at_risk/send-email.ts works it out).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'tier_at_risk',
  category: 'reminder',
  when: 'A downgrade is due within 30 days: the date, and what keeps the tier (once per tier period)',
  variables: {
    'tier.name': 'The tier the member may lose',
    'tier.kept_until': 'The day the tier goes unless kept (YYYY-MM-DD, shop time)',
    'tier.basis': 'What counts: points-earned, amount-spent or orders',
    'tier.needed': 'What still keeps it: points to earn, an amount to spend (with its currency) or orders to place',
  },
  templates: {
    en: {
      subject: 'Keep your {{ tier.name }} status at {{ shop.name }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>Your <strong>{{ tier.name }}</strong> status runs until {{ tier.kept_until }}. To keep it, {% case tier.basis %}{% when "amount-spent" %}spend {{ tier.needed }} more{% when "orders" %}place {{ tier.needed }} more order(s){% else %}earn {{ tier.needed }} more points{% endcase %} before then.</p>',
    },
    fr: {
      subject: 'Conservez votre niveau {{ tier.name }} chez {{ shop.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Votre niveau <strong>{{ tier.name }}</strong> est acquis jusqu’au {{ tier.kept_until }}. Pour le conserver, {% case tier.basis %}{% when "amount-spent" %}dépensez encore {{ tier.needed }}{% when "orders" %}passez encore {{ tier.needed }} commande(s){% else %}gagnez encore {{ tier.needed }} points{% endcase %} d’ici là.</p>',
    },
    de: {
      subject: 'Behalten Sie Ihre Stufe {{ tier.name }} bei {{ shop.name }}',
      body: '<p>Hallo {{ member.first_name }},</p><p>Ihre Stufe <strong>{{ tier.name }}</strong> gilt bis zum {{ tier.kept_until }}. Um sie zu behalten, {% case tier.basis %}{% when "amount-spent" %}kaufen Sie bis dahin noch für {{ tier.needed }} ein{% when "orders" %}bestellen Sie bis dahin noch {{ tier.needed }} Mal{% else %}sammeln Sie bis dahin noch {{ tier.needed }} Punkte{% endcase %}.</p>',
    },
    es: {
      subject: 'Mantén tu nivel {{ tier.name }} en {{ shop.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>Tu nivel <strong>{{ tier.name }}</strong> se mantiene hasta el {{ tier.kept_until }}. Para conservarlo, {% case tier.basis %}{% when "amount-spent" %}gasta {{ tier.needed }} más{% when "orders" %}haz {{ tier.needed }} pedido(s) más{% else %}gana {{ tier.needed }} puntos más{% endcase %} antes de esa fecha.</p>',
    },
    pl: {
      subject: 'Utrzymaj poziom {{ tier.name }} w {{ shop.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>Twój poziom <strong>{{ tier.name }}</strong> obowiązuje do {{ tier.kept_until }}. Aby go utrzymać, {% case tier.basis %}{% when "amount-spent" %}wydaj jeszcze {{ tier.needed }}{% when "orders" %}złóż jeszcze {{ tier.needed }} zamówienie(-a){% else %}zdobądź jeszcze {{ tier.needed }} pkt{% endcase %} przed tą datą.</p>',
    },
    'zh-CN': {
      subject: '保持您在 {{ shop.name }} 的 {{ tier.name }} 等级',
      body: '<p>{{ member.first_name }}，您好：</p><p>您的 <strong>{{ tier.name }}</strong> 等级有效期至 {{ tier.kept_until }}。如需保级，请在此之前{% case tier.basis %}{% when "amount-spent" %}再消费 {{ tier.needed }}{% when "orders" %}再下 {{ tier.needed }} 笔订单{% else %}再赚取 {{ tier.needed }} 积分{% endcase %}。</p>',
    },
  },
});
