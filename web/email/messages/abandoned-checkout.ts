// A checkout left for 4 hours without an order (checkouts/create, checkouts/update; the email-abandoned-checkouts
// job): the points it would earn, the rewards the balance covers, and the link back to it. Once per checkout
// (cause "checkout:<token>").
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'abandoned_checkout',
  category: 'marketing',
  when: 'A checkout left for 4 hours without an order (members subscribed to email marketing; once per checkout)',
  variables: {
    'checkout.url': 'The link back to the checkout (Shopify’s abandoned_checkout_url)',
    'checkout.points': 'The points the checkout would earn as an order now (0 when it cannot be said: another currency)',
    rewards: 'The rewards the balance covers now, each with name and cost (points), cheapest first',
  },
  sample: {
    'checkout.points': 120,
    rewards: [
      { name: 'Free shipping', cost: 300 },
      { name: '$5 off your next order', cost: 500 },
    ],
  },
  templates: {
    en: {
      subject:
        '{% if checkout.points > 0 %}Your cart would earn {{ checkout.points }} points{% else %}You left something in your cart{% endif %} at {{ shop.name }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>You left items in your cart.{% if checkout.points > 0 %} Complete your order to earn <strong>{{ checkout.points }}</strong> points.{% endif %}</p>{% if rewards.size > 0 %}<p>With your {{ member.points }} points you can already get:</p><ul>{% for reward in rewards %}<li>{{ reward.name }} ({{ reward.cost }} points)</li>{% endfor %}</ul>{% endif %}<p><a href="{{ checkout.url }}">Return to your cart</a></p>',
    },
    fr: {
      subject:
        '{% if checkout.points > 0 %}Votre panier vous rapporterait {{ checkout.points }} points{% else %}Vous avez oublié quelque chose dans votre panier{% endif %} chez {{ shop.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Vous avez laissé des articles dans votre panier.{% if checkout.points > 0 %} Finalisez votre commande pour gagner <strong>{{ checkout.points }}</strong> points.{% endif %}</p>{% if rewards.size > 0 %}<p>Avec vos {{ member.points }} points, vous pouvez déjà obtenir :</p><ul>{% for reward in rewards %}<li>{{ reward.name }} ({{ reward.cost }} points)</li>{% endfor %}</ul>{% endif %}<p><a href="{{ checkout.url }}">Revenir à votre panier</a></p>',
    },
    de: {
      subject:
        '{% if checkout.points > 0 %}Ihr Warenkorb bringt Ihnen {{ checkout.points }} Punkte{% else %}Sie haben etwas in Ihrem Warenkorb vergessen{% endif %} bei {{ shop.name }}',
      body: '<p>Hallo {{ member.first_name }},</p><p>In Ihrem Warenkorb liegen noch Artikel.{% if checkout.points > 0 %} Schließen Sie Ihre Bestellung ab und sammeln Sie <strong>{{ checkout.points }}</strong> Punkte.{% endif %}</p>{% if rewards.size > 0 %}<p>Mit Ihren {{ member.points }} Punkten können Sie bereits einlösen:</p><ul>{% for reward in rewards %}<li>{{ reward.name }} ({{ reward.cost }} Punkte)</li>{% endfor %}</ul>{% endif %}<p><a href="{{ checkout.url }}">Zurück zum Warenkorb</a></p>',
    },
    es: {
      subject:
        '{% if checkout.points > 0 %}Tu carrito te daría {{ checkout.points }} puntos{% else %}Has dejado algo en tu carrito{% endif %} en {{ shop.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>Has dejado artículos en tu carrito.{% if checkout.points > 0 %} Completa tu pedido y gana <strong>{{ checkout.points }}</strong> puntos.{% endif %}</p>{% if rewards.size > 0 %}<p>Con tus {{ member.points }} puntos ya puedes conseguir:</p><ul>{% for reward in rewards %}<li>{{ reward.name }} ({{ reward.cost }} puntos)</li>{% endfor %}</ul>{% endif %}<p><a href="{{ checkout.url }}">Volver a tu carrito</a></p>',
    },
    pl: {
      subject:
        '{% if checkout.points > 0 %}Twój koszyk da Ci {{ checkout.points }} pkt{% else %}Coś zostało w Twoim koszyku{% endif %} w {{ shop.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>W Twoim koszyku czekają produkty.{% if checkout.points > 0 %} Dokończ zamówienie, a zdobędziesz <strong>{{ checkout.points }}</strong> pkt.{% endif %}</p>{% if rewards.size > 0 %}<p>Za swoje {{ member.points }} pkt możesz już odebrać:</p><ul>{% for reward in rewards %}<li>{{ reward.name }} ({{ reward.cost }} pkt)</li>{% endfor %}</ul>{% endif %}<p><a href="{{ checkout.url }}">Wróć do koszyka</a></p>',
    },
    'zh-CN': {
      subject:
        '{% if checkout.points > 0 %}您在 {{ shop.name }} 的购物车可赚取 {{ checkout.points }} 积分{% else %}您在 {{ shop.name }} 的购物车里还有商品{% endif %}',
      body: '<p>{{ member.first_name }}，您好：</p><p>您的购物车里还有商品。{% if checkout.points > 0 %}完成订单即可赚取 <strong>{{ checkout.points }}</strong> 积分。{% endif %}</p>{% if rewards.size > 0 %}<p>您现有 {{ member.points }} 积分，已可兑换：</p><ul>{% for reward in rewards %}<li>{{ reward.name }}（{{ reward.cost }} 积分）</li>{% endfor %}</ul>{% endif %}<p><a href="{{ checkout.url }}">返回购物车</a></p>',
    },
  },
});
