// Points about to expire: 30 days ahead, and a last chance 3 days ahead (the expire-points job's maths).
import { defineMessage } from './types.js';

export default defineMessage({
  key: 'points_expiring',
  category: 'reminder',
  when: 'Points expire in 30 days, and a last chance at 3 days',
  variables: {
    'expiring.points': 'Points that will expire',
    'expiring.on': 'When they expire (YYYY-MM-DD, shop time)',
    'expiring.last_chance': 'true for the 3-day reminder',
  },
  templates: {
    en: {
      subject: '{% if expiring.last_chance %}Last chance: {% endif %}{{ expiring.points }} points expire on {{ expiring.on }}',
      body: '<p>Hi {{ member.first_name | default: "there" }},</p><p><strong>{{ expiring.points }}</strong> of your {{ member.points }} points at {{ shop.name }} expire on {{ expiring.on }}. Spend them on a reward before then.</p>',
    },
    fr: {
      subject: '{% if expiring.last_chance %}Dernière chance : {% endif %}{{ expiring.points }} points expirent le {{ expiring.on }}',
      body: '<p>Bonjour {{ member.first_name }},</p><p><strong>{{ expiring.points }}</strong> de vos {{ member.points }} points chez {{ shop.name }} expirent le {{ expiring.on }}. Échangez-les contre une récompense d’ici là.</p>',
    },
    de: {
      subject: '{% if expiring.last_chance %}Letzte Chance: {% endif %}{{ expiring.points }} Punkte verfallen am {{ expiring.on }}',
      body: '<p>Hallo {{ member.first_name }},</p><p><strong>{{ expiring.points }}</strong> Ihrer {{ member.points }} Punkte bei {{ shop.name }} verfallen am {{ expiring.on }}. Lösen Sie sie vorher gegen eine Prämie ein.</p>',
    },
    es: {
      subject: '{% if expiring.last_chance %}Última oportunidad: {% endif %}{{ expiring.points }} puntos caducan el {{ expiring.on }}',
      body: '<p>Hola {{ member.first_name }}:</p><p><strong>{{ expiring.points }}</strong> de tus {{ member.points }} puntos en {{ shop.name }} caducan el {{ expiring.on }}. Canjéalos por una recompensa antes.</p>',
    },
    pl: {
      subject: '{% if expiring.last_chance %}Ostatnia szansa: {% endif %}{{ expiring.points }} pkt wygasa {{ expiring.on }}',
      body: '<p>Cześć {{ member.first_name }},</p><p><strong>{{ expiring.points }}</strong> z Twoich {{ member.points }} pkt w {{ shop.name }} wygasa {{ expiring.on }}. Wymień je wcześniej na nagrodę.</p>',
    },
    'zh-CN': {
      subject: '{% if expiring.last_chance %}最后机会：{% endif %}{{ expiring.points }} 积分将于 {{ expiring.on }} 过期',
      body: '<p>{{ member.first_name }}，您好：</p><p>您在 {{ shop.name }} 的 {{ member.points }} 积分中有 <strong>{{ expiring.points }}</strong> 积分将于 {{ expiring.on }} 过期，请在此之前兑换奖励。</p>',
    },
  },
});
