// Pending points released (points.released): the order's held points can now be spent.
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'points_available',
  category: 'account',
  when: "An order's pending points become available",
  variables: { 'released.points': 'Points that became available' },
  templates: {
    en: {
      subject: '{{ released.points }} points are ready to spend at {{ shop.name }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p><strong>{{ released.points }}</strong> points from your order are now available. Your balance is {{ member.points }} points.</p>',
    },
    fr: {
      subject: '{{ released.points }} points sont disponibles chez {{ shop.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p><strong>{{ released.points }}</strong> points de votre commande sont maintenant disponibles. Votre solde est de {{ member.points }} points.</p>',
    },
    de: {
      subject: '{{ released.points }} Punkte bei {{ shop.name }} sind jetzt einlösbar',
      body: '<p>Hallo {{ member.first_name }},</p><p><strong>{{ released.points }}</strong> Punkte aus Ihrer Bestellung sind jetzt verfügbar. Ihr Guthaben beträgt {{ member.points }} Punkte.</p>',
    },
    es: {
      subject: '{{ released.points }} puntos ya disponibles en {{ shop.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p><strong>{{ released.points }}</strong> puntos de tu pedido ya están disponibles. Tu saldo es de {{ member.points }} puntos.</p>',
    },
    pl: {
      subject: '{{ released.points }} pkt w {{ shop.name }} jest już do wykorzystania',
      body: '<p>Cześć {{ member.first_name }},</p><p><strong>{{ released.points }}</strong> pkt z Twojego zamówienia jest już dostępnych. Twoje saldo: {{ member.points }} pkt.</p>',
    },
    'zh-CN': {
      subject: '您在 {{ shop.name }} 的 {{ released.points }} 积分已可使用',
      body: '<p>{{ member.first_name }}，您好：</p><p>您订单中的 <strong>{{ released.points }}</strong> 积分现已可用。您的余额为 {{ member.points }} 积分。</p>',
    },
  },
});
