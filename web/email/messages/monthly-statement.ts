// The monthly statement: on the first day of the month (shop time), to every member, the balance, what it buys (the
// rewards it covers and the closest one it does not yet) and the progress to the next VIP tier. Off by default
// (types.ts: defaultEnabled). Recorded in batches by web/email/statement.ts, figures as of the day it was recorded.
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'monthly_statement',
  category: 'reminder',
  when: 'First day of the month: the balance, what it buys and the progress to the next tier, to every member',
  variables: {
    'statement.month': 'The month, in the member’s language (e.g. “December 2026”)',
    'statement.date': 'The day the figures are from (YYYY-MM-DD, shop time)',
    'rewards.affordable': 'Up to 3 rewards the balance covers, dearest first: each has name and cost',
    'rewards.affordable_count': 'How many rewards the balance covers',
    'rewards.closest': 'The cheapest reward the balance does not cover yet (name, cost, needed), or nothing',
    'tier.name': 'The member’s tier (nothing without tiers)',
    'tier.next': 'The next tier (nothing at the top)',
    'tier.needed': 'What the next tier still needs, in words (“120 points”, “€45.00”, “2 orders”)',
  },
  sample: {
    'statement.month': 'December 2026',
    'rewards.affordable': [
      { name: '$10 off your next order', cost: 1000 },
      { name: '$5 off your next order', cost: 500 },
    ],
    'rewards.affordable_count': 2,
    'rewards.closest': { name: 'Free shipping', cost: 1500, needed: 250 },
    'tier.name': 'Silver',
    'tier.next': 'Gold',
    'tier.needed': '750 points',
  },
  templates: {
    en: {
      subject: 'Your {{ statement.month }} statement: {{ member.points }} points at {{ shop.name }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>Your balance: <strong>{{ member.points }} points</strong>{% if member.pending_points > 0 %}, and {{ member.pending_points }} more on their way{% endif %}.</p>{% if rewards.affordable_count > 0 %}<p>It buys:</p><ul>{% for reward in rewards.affordable %}<li>{{ reward.name }} ({{ reward.cost }} points)</li>{% endfor %}</ul>{% endif %}{% if rewards.closest %}<p>Next up: <strong>{{ rewards.closest.name }}</strong>, {{ rewards.closest.needed }} points away.</p>{% endif %}{% if tier.name %}{% if tier.next %}<p>You are {{ tier.name }}: {{ tier.needed }} more to reach <strong>{{ tier.next }}</strong>.</p>{% else %}<p>You are {{ tier.name }}, our highest tier.</p>{% endif %}{% endif %}',
    },
    fr: {
      subject: 'Votre relevé de {{ statement.month }} : {{ member.points }} points chez {{ shop.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Votre solde : <strong>{{ member.points }} points</strong>{% if member.pending_points > 0 %}, et {{ member.pending_points }} de plus en route{% endif %}.</p>{% if rewards.affordable_count > 0 %}<p>De quoi obtenir :</p><ul>{% for reward in rewards.affordable %}<li>{{ reward.name }} ({{ reward.cost }} points)</li>{% endfor %}</ul>{% endif %}{% if rewards.closest %}<p>Prochaine étape : <strong>{{ rewards.closest.name }}</strong>, encore {{ rewards.closest.needed }} points.</p>{% endif %}{% if tier.name %}{% if tier.next %}<p>Vous êtes {{ tier.name }} : encore {{ tier.needed }} pour atteindre <strong>{{ tier.next }}</strong>.</p>{% else %}<p>Vous êtes {{ tier.name }}, notre niveau le plus élevé.</p>{% endif %}{% endif %}',
    },
    de: {
      subject: 'Ihr Kontoauszug für {{ statement.month }}: {{ member.points }} Punkte bei {{ shop.name }}',
      body: '<p>Hallo {{ member.first_name }},</p><p>Ihr Guthaben: <strong>{{ member.points }} Punkte</strong>{% if member.pending_points > 0 %}, dazu {{ member.pending_points }} weitere auf dem Weg{% endif %}.</p>{% if rewards.affordable_count > 0 %}<p>Damit erhalten Sie:</p><ul>{% for reward in rewards.affordable %}<li>{{ reward.name }} ({{ reward.cost }} Punkte)</li>{% endfor %}</ul>{% endif %}{% if rewards.closest %}<p>Als Nächstes: <strong>{{ rewards.closest.name }}</strong>, noch {{ rewards.closest.needed }} Punkte.</p>{% endif %}{% if tier.name %}{% if tier.next %}<p>Sie sind {{ tier.name }}: noch {{ tier.needed }} bis <strong>{{ tier.next }}</strong>.</p>{% else %}<p>Sie sind {{ tier.name }}, unsere höchste Stufe.</p>{% endif %}{% endif %}',
    },
    es: {
      subject: 'Tu resumen de {{ statement.month }}: {{ member.points }} puntos en {{ shop.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>Tu saldo: <strong>{{ member.points }} puntos</strong>{% if member.pending_points > 0 %}, y {{ member.pending_points }} más en camino{% endif %}.</p>{% if rewards.affordable_count > 0 %}<p>Te alcanza para:</p><ul>{% for reward in rewards.affordable %}<li>{{ reward.name }} ({{ reward.cost }} puntos)</li>{% endfor %}</ul>{% endif %}{% if rewards.closest %}<p>Lo siguiente: <strong>{{ rewards.closest.name }}</strong>, a {{ rewards.closest.needed }} puntos.</p>{% endif %}{% if tier.name %}{% if tier.next %}<p>Eres {{ tier.name }}: te faltan {{ tier.needed }} para llegar a <strong>{{ tier.next }}</strong>.</p>{% else %}<p>Eres {{ tier.name }}, nuestro nivel más alto.</p>{% endif %}{% endif %}',
    },
    pl: {
      subject: 'Twoje podsumowanie za {{ statement.month }}: {{ member.points }} pkt w {{ shop.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>Twoje saldo: <strong>{{ member.points }} pkt</strong>{% if member.pending_points > 0 %} i {{ member.pending_points }} pkt w drodze{% endif %}.</p>{% if rewards.affordable_count > 0 %}<p>Wystarczy na:</p><ul>{% for reward in rewards.affordable %}<li>{{ reward.name }} ({{ reward.cost }} pkt)</li>{% endfor %}</ul>{% endif %}{% if rewards.closest %}<p>Następna nagroda: <strong>{{ rewards.closest.name }}</strong>, brakuje {{ rewards.closest.needed }} pkt.</p>{% endif %}{% if tier.name %}{% if tier.next %}<p>Masz poziom {{ tier.name }}: brakuje {{ tier.needed }} do poziomu <strong>{{ tier.next }}</strong>.</p>{% else %}<p>Masz poziom {{ tier.name }}, nasz najwyższy.</p>{% endif %}{% endif %}',
    },
    'zh-CN': {
      subject: '您在 {{ shop.name }} 的 {{ statement.month }} 积分账单：{{ member.points }} 积分',
      body: '<p>{{ member.first_name }}，您好：</p><p>您的积分余额：<strong>{{ member.points }} 积分</strong>{% if member.pending_points > 0 %}，另有 {{ member.pending_points }} 积分即将到账{% endif %}。</p>{% if rewards.affordable_count > 0 %}<p>可兑换：</p><ul>{% for reward in rewards.affordable %}<li>{{ reward.name }}（{{ reward.cost }} 积分）</li>{% endfor %}</ul>{% endif %}{% if rewards.closest %}<p>下一个奖励：<strong>{{ rewards.closest.name }}</strong>，还差 {{ rewards.closest.needed }} 积分。</p>{% endif %}{% if tier.name %}{% if tier.next %}<p>您是 {{ tier.name }} 会员：再获得 {{ tier.needed }} 即可升级为 <strong>{{ tier.next }}</strong>。</p>{% else %}<p>您是 {{ tier.name }} 会员，已是最高等级。</p>{% endif %}{% endif %}',
    },
  },
});
