// Sent when a customer becomes a member (member.enrolled).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'welcome',
  category: 'account',
  when: 'A customer joins the loyalty program',
  variables: {},
  templates: {
    en: {
      subject: 'Welcome to {{ shop.name }} rewards',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>Welcome to our rewards program! You have <strong>{{ member.points }}</strong> points to start with. Earn more with every order and spend them on rewards.</p>',
    },
    fr: {
      subject: 'Bienvenue dans le programme de fidélité de {{ shop.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Bienvenue dans notre programme de fidélité ! Vous commencez avec <strong>{{ member.points }}</strong> points. Gagnez-en à chaque commande et échangez-les contre des récompenses.</p>',
    },
    de: {
      subject: 'Willkommen beim Treueprogramm von {{ shop.name }}',
      body: '<p>Hallo {{ member.first_name }},</p><p>willkommen in unserem Treueprogramm! Sie starten mit <strong>{{ member.points }}</strong> Punkten. Sammeln Sie mit jeder Bestellung mehr und lösen Sie sie gegen Prämien ein.</p>',
    },
    es: {
      subject: 'Bienvenido al programa de recompensas de {{ shop.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>¡Bienvenido a nuestro programa de recompensas! Empiezas con <strong>{{ member.points }}</strong> puntos. Gana más con cada pedido y canjéalos por recompensas.</p>',
    },
    pl: {
      subject: 'Witamy w programie lojalnościowym {{ shop.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>witamy w naszym programie lojalnościowym! Na start masz <strong>{{ member.points }}</strong> pkt. Zbieraj więcej przy każdym zamówieniu i wymieniaj je na nagrody.</p>',
    },
    'zh-CN': {
      subject: '欢迎加入 {{ shop.name }} 会员计划',
      body: '<p>{{ member.first_name }}，您好：</p><p>欢迎加入我们的会员计划！您现有 <strong>{{ member.points }}</strong> 积分。每笔订单都能赚取积分，并可兑换奖励。</p>',
    },
  },
});
