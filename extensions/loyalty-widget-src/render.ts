// The panel's HTML, one function per section. Pure: state in, markup out;
// the element wires the buttons (data-action) by event delegation. Class
// names are short because every byte ships to every shopper; the stylesheet
// scopes them under the tally-widget element.
import { esc, type Format } from './format.js';
import { renderSurvey } from './survey.js';
import type { Member, Perks, Program, Recommendation, Redemption, Reward, State, TierBasis, TierStep, WayToEarn } from './types.js';

export interface Links {
  login: string;
  register: string;
  /** Where Shopify's /discount/CODE link sends the shopper after applying the code. */
  cart: string;
  /** "cart" on the cart block: only what belongs at the cart. */
  view?: string;
  /** The cart's subtotal as Liquid gives it (hundredths of the currency unit). */
  subtotal?: string;
}

/** <tag class="cls">html</tag>; html must already be escaped. */
const tag = (name: string, cls: string, html: string, attrs = '') => `<${name}${cls ? ` class="${cls}"` : ''}${attrs}>${html}</${name}>`;
const button = (cls: string, attrs: string, text: string) => `<button type="button" class="btn ${cls}"${attrs}>${esc(text)}</button>`;
/** A message the shopper must notice (a refusal, a failure): announced at once. */
export const alertNotice = (html: string) => tag('p', 'notice', html, ' role="alert"');
const section = (title: string, body: string) => tag('section', '', tag('h3', '', esc(title)) + body);
const list = (items: string[]) => tag('ul', 'list', items.join(''));

export function renderPanel(state: State, f: Format, links: Links): string {
  const { member, program } = state;
  if (!member) return renderGuest(program, state.rewards, f, links);
  if (links.view === 'cart') return renderAtCart(state, member, f, links);
  return [
    renderBalance(member, f),
    renderTier(member, f),
    renderRedemption(state.redemption, f, links),
    state.notice ? alertNotice(f.h(state.notice)) : '',
    renderSurvey(state.survey, state.surveyAnswered, f),
    renderRewards(state.rewards, member.points.available, f, state.recommendations),
    renderLadder(program, member, f),
    member.referral ? renderReferral(member.referral, f) : '',
    program ? renderWaysToEarn(program.waysToEarn, f) : '',
    program ? renderBirthday(member, program, f) : '',
    renderOrders(member, f),
    renderActivity(member, f),
  ].join('');
}

function renderBalance(member: Member, f: Format): string {
  const { available, pending } = member.points;
  const firstRelease = member.activity
    .filter((a) => a.status === 'PENDING' && a.points > 0 && a.availableAt)
    .map((a) => a.availableAt!)
    .sort()[0];
  const pendingText = firstRelease
    ? f.t('pending_until', { points: f.points(pending), date: f.date(firstRelease) })
    : `${f.t('pending')}: ${f.points(pending)}`;
  return tag(
    'div',
    'balance',
    (member.firstName ? tag('p', '', f.h('greeting', { name: member.firstName })) : '') +
      tag('p', 'big', `${f.h('available')} ${tag('strong', 'available', esc(f.points(available)))}`) +
      (pending > 0 ? tag('p', 'pending', esc(pendingText)) : '') +
      (member.expiring
        ? tag('p', 'expiring', f.h('expiring', { points: f.points(member.expiring.points), date: f.date(member.expiring.at) }))
        : ''),
  );
}

function renderTier(member: Member, f: Format): string {
  const { tier, nextTier: next } = member;
  if (!tier && !next) return '';
  let html = tier ? tag('p', 'tier', f.h('tier', { tier: tier.name })) : '';
  if (tier?.keptUntil) html += tag('p', 'muted', f.h('tier_kept_until', { date: f.date(tier.keptUntil) }));
  const perks = tier?.perks ? perkTexts(tier.perks, f) : [];
  if (perks.length) html += tag('p', 'perks-title', f.h('perks')) + perkList(perks);
  if (next) {
    const text =
      next.basis === 'amount-spent'
        ? f.t('next_spend', { amount: f.money(next.remaining), tier: next.name })
        : next.basis === 'orders'
          ? f.t('next_orders', { number: f.number(next.remaining), tier: next.name })
          : f.t('next_points', { points: f.points(next.remaining), tier: next.name });
    html += tag('p', 'next-tier', esc(text));
  }
  return tag('div', 'tiers', html);
}

const cheapest = (r: Reward) => r.pointsCost ?? r.slider?.min ?? 0;

/** Why a reward is recommended, in the shopper's language; the server's English for a kind this script does not know. */
export function reasonText(rec: Recommendation, f: Format): string {
  const key = `rec_${rec.kind}`;
  const text = f.t(key, { points: f.points(rec.pointsAway ?? 0), segment: rec.segmentName ?? '' });
  return text === key ? rec.reason : text;
}

/** `available` is null for guests: they see costs, not buttons. `reason`: why it is recommended (one saying how far away replaces "N more needed"). */
function rewardRow(r: Reward, available: number | null, f: Format, reason?: string, far?: boolean): string {
  const s = r.slider;
  let html =
    tag('span', 'name', esc(r.name)) +
    ' ' +
    tag('span', 'muted', esc(s ? `${f.points(s.min)}–${f.points(s.max)}` : f.points(r.pointsCost ?? 0))) +
    (reason ? tag('span', 'reason', esc(reason)) : '');
  if (available !== null && r.affordable) {
    if (s) {
      const max = Math.min(s.max, available - (available % s.step));
      html += tag(
        'label',
        'field',
        tag('span', '', f.h('slider_label', { reward: r.name })) +
          `<input type="number" min="${s.min}" max="${max}" step="${s.step}" value="${s.min}">`,
      );
    }
    html += button(
      '',
      ` data-action="redeem" data-reward="${esc(r.id)}" aria-label="${f.h('redeem_named', { reward: r.name })}"`,
      f.t('redeem'),
    );
  } else if (available !== null && !far) {
    html += tag('span', 'muted', f.h('more_needed', { points: f.points(cheapest(r) - available) }));
  }
  return tag('li', 'reward', html);
}

/** The member's recommendations first, in the server's order, each with its reason; then the rest, ready and almost there. */
function renderRewards(all: Reward[], available: number, f: Format, recommendations: Recommendation[] = []): string {
  // VIP-only rewards of other tiers are left out: the tier section says how to get there.
  const rewards = all.filter((r) => r.eligible !== false);
  if (rewards.length === 0) return section(f.t('rewards'), tag('p', '', f.h('no_rewards')));
  const reasons = new Map<string, string>();
  const far = new Set<string>();
  for (const rec of recommendations) {
    if (reasons.has(rec.rewardId)) continue;
    reasons.set(rec.rewardId, reasonText(rec, f));
    if (rec.kind === 'close') far.add(rec.rewardId);
  }
  const picked = [...reasons.keys()].flatMap((id) => rewards.filter((r) => r.id === id));
  const rest = rewards.filter((r) => !reasons.has(r.id));
  const ready = rest.filter((r) => r.affordable);
  // The nearest three the shopper cannot afford yet: something to aim for.
  const close = rest
    .filter((r) => !r.affordable)
    .sort((a, b) => cheapest(a) - cheapest(b))
    .slice(0, 3);
  const group = (title: string, items: Reward[], cls = '') =>
    items.length
      ? tag('h4', '', esc(title)) +
        tag('ul', `list ${cls}`, items.map((r) => rewardRow(r, available, f, reasons.get(r.id), far.has(r.id))).join(''))
      : '';
  return section(
    f.t('rewards'),
    group(f.t('rewards_for_you'), picked, 'picked') + group(f.t('rewards_ready'), ready) + group(f.t('rewards_close'), close),
  );
}

function renderRedemption(r: Redemption | undefined, f: Format, links: Links): string {
  if (!r) return '';
  if (r.error) return alertNotice(esc(r.error));
  // Store credit and donations are issued without a code.
  if (!r.code) return tag('p', 'code', f.h(r.status == 'issued' ? 'credited' : 'code_pending'), ' role="status"');
  const apply = `/discount/${encodeURIComponent(r.code)}?redirect=${encodeURIComponent(links.cart)}`;
  return tag(
    'div',
    'code',
    tag('p', '', r.rewardName ? f.h('code_for', { reward: r.rewardName }) : f.h('code_heading')) +
      tag('output', 'code-value', esc(r.code)) +
      (r.expiresAt ? tag('p', 'muted', f.h('expires', { date: f.date(r.expiresAt) })) : '') +
      tag(
        'div',
        'actions',
        button('secondary', ` data-action="copy" data-copy="${esc(r.code)}"`, f.t('copy_code')) +
          tag('a', 'btn', f.h('apply'), ` href="${esc(apply)}"`),
      ),
    ' role="status"',
  );
}

function renderReferral(referral: NonNullable<Member['referral']>, f: Format): string {
  const url = esc(referral.url);
  return section(
    f.t('referral'),
    tag('p', '', f.h('referral_text', { number: f.number(referral.friendsJoined) })) +
      tag('label', 'field', tag('span', '', f.h('referral_link')) + `<input readonly value="${url}">`) +
      tag(
        'div',
        'actions',
        button('secondary', ` data-action="copy" data-copy="${url}"`, f.t('copy_link')) +
          button('secondary', ` data-action="share" data-share="${url}"`, f.t('share')),
      ),
  );
}

/** One line per earn rule, in the shopper's words. */
export function wayToEarnText(way: WayToEarn, f: Format): string {
  const points = f.points(way.config.points ?? 0);
  if (way.type === 'purchase') return f.t('earn_purchase', { points: f.points(Number(way.config.rate ?? 1)), amount: f.unit });
  if (way.type === 'custom-action') return f.t('earn_custom', { points, action: way.config.name ?? way.name });
  const key = `earn_${way.type}`;
  // The rule's own settings fill the rest, e.g. {percentage} for cashback.
  const text = f.t(key, { ...(way.config as Record<string, string>), points });
  return text === key ? way.name : text;
}

/** One-time rules already earned are ticked. */
const isDone = (w: WayToEarn) =>
  (w.earned ?? 0) > 0 &&
  (w.type === 'signup' || w.type === 'newsletter' || (w.config.limitPerMember != null && w.earned! >= w.config.limitPerMember));

function renderWaysToEarn(ways: WayToEarn[], f: Format): string {
  if (ways.length === 0) return '';
  return section(
    f.t('earn'),
    list(
      ways.map((w) => tag('li', isDone(w) ? 'done' : '', esc(wayToEarnText(w, f)) + (isDone(w) ? ` <span>✓ ${f.h('done')}</span>` : ''))),
    ),
  );
}

function renderBirthday(member: Member, program: Program, f: Format): string {
  const rule = program.waysToEarn.find((w) => w.type === 'birthday');
  if (!rule || member.birthday === undefined) return '';
  if (member.birthday) return tag('p', 'muted', f.h('birthday_saved', { date: f.dayMonth(member.birthday.month, member.birthday.day) }));
  const months = f
    .monthNames()
    .map((name, i) => `<option value="${i + 1}">${esc(name)}</option>`)
    .join('');
  const field = (label: string, control: string) => tag('label', 'field', tag('span', '', f.h(label)) + control);
  return section(
    f.t('birthday'),
    tag(
      'form',
      '',
      tag('p', '', f.h('birthday_text', { points: f.points(rule.config.points ?? 0) })) +
        tag(
          'div',
          'actions',
          field('month', `<select name="month" required>${months}</select>`) +
            field('day', '<input name="day" type="number" min="1" max="31" required>'),
        ) +
        `<button class="btn">${f.h('save_birthday')}</button>`,
      ' data-action="birthday"',
    ),
  );
}

/** The latest orders: name, date, the points each earned and where they stand. */
function renderOrders(member: Member, f: Format): string {
  if (!member.orders?.length) return '';
  const rows = member.orders.map((o) => {
    const state = !o.pending
      ? f.t('order_available')
      : o.availableAt
        ? f.t('order_pending_until', { date: f.date(o.availableAt) })
        : f.t('activity_pending');
    return tag(
      'li',
      '',
      `${tag('span', '', esc(o.name))} ${tag('span', 'muted', esc(f.date(o.processedAt)))} ${tag('strong', '', esc(`+${f.points(o.points)}`))} ${tag('span', 'muted', esc(state))}`,
    );
  });
  return tag('section', 'orders', tag('h3', '', f.h('orders')) + list(rows));
}

function renderActivity(member: Member, f: Format): string {
  if (member.activity.length === 0) return section(f.t('activity'), tag('p', '', f.h('no_activity')));
  const rows = member.activity.map((a) => {
    const label =
      f.t(`activity_${a.kind === 'EXPIRE' ? a.kind : a.source}`) + (a.status === 'PENDING' ? ` (${f.t('activity_pending')})` : '');
    return tag(
      'li',
      '',
      `${tag('span', '', esc(label))} ${tag('span', 'muted', esc(f.date(a.createdAt)))} ${tag('strong', '', (a.points > 0 ? '+' : '−') + esc(f.number(Math.abs(a.points))))}`,
    );
  });
  return section(f.t('activity'), list(rows));
}

function renderGuest(program: Program | null, rewards: Reward[], f: Format, links: Links): string {
  if (!program) return '';
  const link = (cls: string, href: string, text: string) => tag('a', `btn ${cls}`, f.h(text), ` href="${esc(href)}"`);
  return (
    tag('p', 'big', f.h('guest_title', { program: program.name })) +
    tag('p', '', f.h('guest_intro')) +
    tag('div', 'actions', link('', links.register, 'join') + link('secondary', links.login, 'login')) +
    renderWaysToEarn(program.waysToEarn, f) +
    (rewards.length ? section(f.t('rewards'), list(rewards.map((r) => rewardRow(r, null, f)))) : '') +
    renderLadder(program, null, f)
  );
}

/**
 * The cart block: the balance, the code just redeemed (for this cart), and
 * the rewards that fit this cart: discount codes the member can afford whose
 * minimum the subtotal meets. The rest of the panel lives in the launcher.
 */
function renderAtCart(state: State, member: Member, f: Format, links: Links): string {
  const subtotal = (Number(links.subtotal) / 100) * 10 ** f.digits;
  const fit = state.rewards.filter(
    (r) => r.eligible !== false && r.affordable && r.minimumSubtotal != null && r.minimumSubtotal <= subtotal,
  );
  return (
    tag('p', 'big', `${f.h('available')} ${tag('strong', 'available', esc(f.points(member.points.available)))}`) +
    renderRedemption(state.redemption, f, links) +
    (state.notice ? alertNotice(f.h(state.notice)) : '') +
    section(
      f.t('rewards_cart'),
      fit.length ? list(fit.map((r) => rewardRow(r, member.points.available, f))) : tag('p', '', f.h('no_cart_rewards')),
    )
  );
}

/** A tier's perks in the shopper's words; a tier without any has none. */
function perkTexts(p: Perks, f: Format): string[] {
  const out: string[] = [];
  if (Number(p.multiplier) > 1) out.push(f.t('perk_multiplier', { multiplier: f.decimal(Number(p.multiplier)) }));
  if (p.freeShipping) out.push(f.t('perk_shipping'));
  if (p.birthdayBonus > 0) out.push(f.t('perk_birthday', { points: f.points(p.birthdayBonus) }));
  if (p.entryReward) out.push(f.t('perk_entry', { reward: p.entryReward }));
  return out;
}
const perkList = (perks: string[]) => tag('ul', 'perks', perks.map((p) => tag('li', '', esc(p))).join(''));

function thresholdText(step: TierStep, basis: TierBasis | undefined, f: Format): string {
  if (step.threshold === 0) return f.t('tier_start');
  if (basis === 'amount-spent') return f.t('tier_from_spend', { amount: f.money(step.threshold) });
  if (basis === 'orders') return f.t('tier_from_orders', { number: f.number(step.threshold) });
  return f.t('tier_from_points', { points: f.points(step.threshold) });
}

/** Every tier, lowest first: its name, what it takes, its perks, and where the member is. */
function renderLadder(program: Program | null, member: Member | null, f: Format): string {
  const tiers = program?.tiers ?? [];
  if (tiers.length < 2) return '';
  const rows = tiers.map((step) => {
    const here = member?.tier?.id === step.id;
    const perks = perkTexts(step.perks, f);
    return tag(
      'li',
      here ? 'rung here' : 'rung',
      tag('span', 'name', esc(step.name)) +
        ' ' +
        tag('span', 'muted', esc(thresholdText(step, program!.tierBasis, f))) +
        (here ? ' ' + tag('strong', 'you', f.h('tier_here')) : '') +
        (perks.length ? perkList(perks) : ''),
      here ? ' aria-current="step"' : '',
    );
  });
  return section(f.t('ladder'), tag('ol', 'list ladder', rows.join('')));
}
