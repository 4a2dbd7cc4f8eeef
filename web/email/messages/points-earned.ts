// The day's order points, as one digest per member per shop-local day (cause "digest:<YYYY-MM-DD>").
import { orderPointsOfDay, shopTimeZone } from '../order-day.js';
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'points_earned',
  category: 'account',
  when: "A member's orders earned points (one digest per member per day)",
  variables: {
    'digest.points': "Points the day's orders earned (available and pending)",
    'digest.orders': 'How many orders earned them',
    'digest.date': 'The day (YYYY-MM-DD, shop time)',
  },
  // The digest counts the day's orders when it goes (it waits DIGEST_DELAY_MS for the others).
  async refresh(sql, row) {
    const date = row.cause.slice('digest:'.length);
    const figures = await orderPointsOfDay(sql, row.shop, row.memberId, date, await shopTimeZone(sql, row.shop));
    const [balance] = await sql.$queryRaw<Array<{ points: number; pending: number }>>`
      SELECT "pointsAvailable" AS points, "pointsPending" AS pending FROM "Member" WHERE id = ${row.memberId}`;
    const member = { ...(row.data.member as object), points: Number(balance?.points ?? 0), pending_points: Number(balance?.pending ?? 0) };
    return { digest: { date, ...figures }, member };
  },
  templates: {
    en: {
      subject: 'You earned {{ digest.points }} points at {{ shop.name }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>Your {{ digest.orders }} order(s) on {{ digest.date }} earned you <strong>{{ digest.points }}</strong> points.</p><p>You now have {{ member.points }} points to spend{% if member.pending_points > 0 %} and {{ member.pending_points }} on their way{% endif %}.</p>',
    },
    fr: {
      subject: 'Vous avez gagné {{ digest.points }} points chez {{ shop.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Vos {{ digest.orders }} commande(s) du {{ digest.date }} vous ont rapporté <strong>{{ digest.points }}</strong> points.</p><p>Vous avez maintenant {{ member.points }} points à dépenser{% if member.pending_points > 0 %} et {{ member.pending_points }} en attente{% endif %}.</p>',
    },
    de: {
      subject: 'Sie haben {{ digest.points }} Punkte bei {{ shop.name }} gesammelt',
      body: '<p>Hallo {{ member.first_name }},</p><p>Ihre {{ digest.orders }} Bestellung(en) vom {{ digest.date }} haben Ihnen <strong>{{ digest.points }}</strong> Punkte eingebracht.</p><p>Sie haben jetzt {{ member.points }} Punkte zum Einlösen{% if member.pending_points > 0 %} und {{ member.pending_points }} sind unterwegs{% endif %}.</p>',
    },
    es: {
      subject: 'Has ganado {{ digest.points }} puntos en {{ shop.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>Tus {{ digest.orders }} pedido(s) del {{ digest.date }} te han dado <strong>{{ digest.points }}</strong> puntos.</p><p>Ahora tienes {{ member.points }} puntos para canjear{% if member.pending_points > 0 %} y {{ member.pending_points }} en camino{% endif %}.</p>',
    },
    pl: {
      subject: 'Zdobyto {{ digest.points }} pkt w {{ shop.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>Twoje zamówienia z dnia {{ digest.date }} (liczba: {{ digest.orders }}) dały Ci <strong>{{ digest.points }}</strong> pkt.</p><p>Masz teraz {{ member.points }} pkt do wykorzystania{% if member.pending_points > 0 %} i {{ member.pending_points }} pkt w drodze{% endif %}.</p>',
    },
    'zh-CN': {
      subject: '您在 {{ shop.name }} 获得了 {{ digest.points }} 积分',
      body: '<p>{{ member.first_name }}，您好：</p><p>您在 {{ digest.date }} 的 {{ digest.orders }} 笔订单为您赚取了 <strong>{{ digest.points }}</strong> 积分。</p><p>您现有 {{ member.points }} 积分可用{% if member.pending_points > 0 %}，另有 {{ member.pending_points }} 积分即将到账{% endif %}。</p>',
    },
  },
});
