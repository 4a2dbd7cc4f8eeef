// Marketing: a member who has not ordered for N days (the shop's winBackDays, 120 by default), once per lapse (the
// last order is the cause), optionally with bonus points or a reward (web/jobs/email-win-back.ts). Only to customers
// whose Shopify email marketing state is SUBSCRIBED, and only once the shop has a postal address for the footer.
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'win_back',
  category: 'marketing',
  when: 'No order for N days (default 120), optionally with bonus points or a reward; once per lapse',
  variables: {
    'win_back.days': 'Days since the last order',
    'win_back.last_order_on': 'The day of the last order (YYYY-MM-DD, shop time)',
    'win_back.bonus_points': 'Bonus points added with this email (0: none)',
    'win_back.reward': 'The reward granted with this email (empty: none; its code follows in its own email)',
    'win_back.shop_url': "The shop's storefront",
  },
  // The balance when the email goes, bonus included (the row was recorded just before the bonus was written).
  async refresh(sql, row) {
    const [member] = await sql.$queryRaw<Array<{ points: number }>>`
      SELECT "pointsAvailable" AS points FROM "Member" WHERE id = ${row.memberId} AND shop = ${row.shop}`;
    const stored = (row.data.member ?? {}) as Record<string, unknown>;
    return member ? { member: { ...stored, points: Number(member.points) } } : {};
  },
  templates: {
    en: {
      subject: 'We miss you at {{ shop.name }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p>It has been {{ win_back.days }} days since your last order at {{ shop.name }}.{% if win_back.bonus_points > 0 %} To welcome you back we have added <strong>{{ win_back.bonus_points }} points</strong> to your account.{% endif %}{% if win_back.reward != "" %} A <strong>{{ win_back.reward }}</strong> is on its way to you too.{% endif %} You have {{ member.points }} points to spend.</p><p><a href="{{ win_back.shop_url }}">Visit {{ shop.name }}</a></p>',
    },
    fr: {
      subject: 'Vous nous manquez chez {{ shop.name }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p>Votre dernière commande chez {{ shop.name }} date d’il y a {{ win_back.days }} jours.{% if win_back.bonus_points > 0 %} Pour fêter votre retour, nous avons ajouté <strong>{{ win_back.bonus_points }} points</strong> à votre compte.{% endif %}{% if win_back.reward != "" %} Une récompense <strong>{{ win_back.reward }}</strong> vous attend aussi.{% endif %} Vous avez {{ member.points }} points à dépenser.</p><p><a href="{{ win_back.shop_url }}">Visiter {{ shop.name }}</a></p>',
    },
    de: {
      subject: 'Wir vermissen Sie bei {{ shop.name }}',
      body: '<p>Hallo {{ member.first_name }},</p><p>Ihre letzte Bestellung bei {{ shop.name }} ist {{ win_back.days }} Tage her.{% if win_back.bonus_points > 0 %} Zur Begrüßung haben wir Ihrem Konto <strong>{{ win_back.bonus_points }} Punkte</strong> gutgeschrieben.{% endif %}{% if win_back.reward != "" %} Außerdem ist <strong>{{ win_back.reward }}</strong> für Sie unterwegs.{% endif %} Sie haben {{ member.points }} Punkte zum Einlösen.</p><p><a href="{{ win_back.shop_url }}">Zu {{ shop.name }}</a></p>',
    },
    es: {
      subject: 'Te echamos de menos en {{ shop.name }}',
      body: '<p>Hola {{ member.first_name }}:</p><p>Han pasado {{ win_back.days }} días desde tu último pedido en {{ shop.name }}.{% if win_back.bonus_points > 0 %} Para darte la bienvenida hemos añadido <strong>{{ win_back.bonus_points }} puntos</strong> a tu cuenta.{% endif %}{% if win_back.reward != "" %} También te espera <strong>{{ win_back.reward }}</strong>.{% endif %} Tienes {{ member.points }} puntos para canjear.</p><p><a href="{{ win_back.shop_url }}">Visitar {{ shop.name }}</a></p>',
    },
    pl: {
      subject: 'Tęsknimy za Tobą w {{ shop.name }}',
      body: '<p>Cześć {{ member.first_name }},</p><p>Od Twojego ostatniego zamówienia w {{ shop.name }} minęło {{ win_back.days }} dni.{% if win_back.bonus_points > 0 %} Na powitanie dodaliśmy do Twojego konta <strong>{{ win_back.bonus_points }} pkt</strong>.{% endif %}{% if win_back.reward != "" %} Czeka też na Ciebie <strong>{{ win_back.reward }}</strong>.{% endif %} Masz {{ member.points }} pkt do wykorzystania.</p><p><a href="{{ win_back.shop_url }}">Odwiedź {{ shop.name }}</a></p>',
    },
    'zh-CN': {
      subject: '{{ shop.name }} 想念您',
      body: '<p>{{ member.first_name }}，您好：</p><p>距离您上次在 {{ shop.name }} 下单已经 {{ win_back.days }} 天了。{% if win_back.bonus_points > 0 %}为欢迎您回来，我们已向您的账户添加 <strong>{{ win_back.bonus_points }} 积分</strong>。{% endif %}{% if win_back.reward != "" %}另有 <strong>{{ win_back.reward }}</strong> 正在发放给您。{% endif %}您目前有 {{ member.points }} 积分可用。</p><p><a href="{{ win_back.shop_url }}">访问 {{ shop.name }}</a></p>',
    },
  },
});
