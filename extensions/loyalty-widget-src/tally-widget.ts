// <tally-widget>: the storefront's loyalty panel. Liquid renders the element
// with the launcher, the first paint (balance from the customer's metafields)
// and the translated strings; this script only adds behaviour. Nothing is
// fetched until the shopper opens the panel.
//
// Two presentations share the same code: the app embed opens a modal
// <dialog> from a floating launcher; app blocks (account page, cart) expand
// the panel in place (a disclosure). The panel's renderer is a second script
// (panel.ts → tally-panel.js), loaded on the first opening.
//
// One balance on the page: every widget shares one copy of the member's data,
// fetched once and fetched again after any action (a redemption), and each
// refresh repaints every open panel and every balance Liquid painted
// ([data-tally-points]: launcher, cart block, member card, product block).
//
// Two prompts on the floating launcher, each a small badge with its own
// accessible name: a survey is due (asked once the page has loaded, never in
// the way of anything: a failure only leaves the badge and card out), and a
// reward came within reach since the panel was last opened (the rewards then
// out of reach are remembered in localStorage where consent allows; the
// balance Liquid paints says which are covered now, with no request).
import { ProxyError, proxyClient, type ProxyClient } from './api.js';
import { mayRemember, onConsentCollected } from './consent.js';
import { formatter, type Format } from './format.js';
import type { PanelScript } from './panel.js';
import type { Links } from './render.js';
import type { Data, Member, Redemption, Reward, State, Survey } from './types.js';

// What the panel renders that takes focus (see render.ts).
const FOCUSABLE = 'a,button:enabled,input,select,textarea'; // every link it renders has an href
const POLL_MS = 1500;
const POLL_TIMES = 40;

const widgets = new Set<TallyWidget>();
let shared: Promise<Data> | null = null;
let panelScript: Promise<PanelScript> | null = null;
let consentWatched = false;
let surveyAsked: Promise<void> | null = null;
/** The survey due (null: none, or it could not be fetched) and, once answered, the points it earned. */
let survey: Survey | null = null;
let answered: number | undefined;
/** localStorage key: [reward id, points] of the rewards out of reach when the panel last showed them. */
const SEEN = 'tally_seen';

/** The page's one copy of the member's data; `force` fetches it again and repaints every widget and balance. */
function pageData(api: ProxyClient, f: Format, force: boolean): Promise<Data> {
  if (shared && !force) return shared;
  const mine = (shared = Promise.all([api.member(), api.rewards()]).then(([m, r]) => {
    const data = { member: m.member, program: m.program, rewards: r.rewards, recommendations: m.recommendations };
    named(f, data);
    if (data.member) paintBalances(data.member, f);
    for (const widget of widgets) widget._show(data);
    return data;
  }));
  // A failed fetch is forgotten: opening a panel again tries again.
  mine.catch(() => shared === mine && (shared = null));
  return mine;
}

/** The app proxy's name for points wins over the page's (Liquid's metafield may lag behind Settings); the admin's preview proxy names none. */
function named(f: Format, data: Data) {
  if (data.program?.pointsName !== undefined) f.pointsName = data.program.pointsName ?? '';
}

/** Every balance on the page (data-tally-points="available" or "pending"), as the latest data says. */
function paintBalances(member: Member, f: Format) {
  for (const el of document.querySelectorAll<HTMLElement>('[data-tally-points]')) {
    el.textContent = f.points(member.points[el.dataset.tallyPoints as 'available' | 'pending'] ?? 0);
  }
}

/** The survey due for this member, once per page; it adds the card and the launcher's badge, or nothing. */
function askSurvey(api: ProxyClient, locale: string) {
  surveyAsked ??= api.survey(locale).then(
    (answer) => {
      survey = answer.survey;
      for (const widget of widgets) widget._surveyChanged();
    },
    // Silent for the shopper (no badge, no card); a line in the console for whoever debugs the store.
    // eslint-disable-next-line no-console
    (error) => console.warn('Tally: no survey', error),
  );
}

/** localStorage where the shopper's consent allows it (and the browser does); forgotten where it does not. */
async function seen(value?: Array<[string, number]>): Promise<Array<[string, number]>> {
  try {
    if (!(await mayRemember())) localStorage.removeItem(SEEN);
    else if (value) localStorage.setItem(SEEN, JSON.stringify(value));
    else return JSON.parse(localStorage.getItem(SEEN) || '[]');
  } catch {
    // Storage blocked or full: no nudge.
  }
  return [];
}

const cost = (r: Reward) => r.pointsCost ?? r.slider?.min ?? 0;

/** tally-panel.js, once per page (a classic script: no CORS needed from the theme's CDN). */
function loadPanel(src: string): Promise<PanelScript> {
  return (panelScript ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve((window as unknown as { TallyPanel: PanelScript }).TallyPanel);
    script.onerror = () => {
      panelScript = null;
      reject(new Error(src));
    };
    document.head.append(script);
  }));
}

class TallyWidget extends HTMLElement {
  private _api!: ProxyClient;
  private _f!: Format;
  private _links!: Links;
  private _launcher!: HTMLElement;
  private _body!: HTMLElement;
  private _dialog: HTMLDialogElement | null = null;
  private _state: State | null = null;
  private _panel: PanelScript | null = null;

  connectedCallback() {
    const d = this.dataset;
    const strings = JSON.parse(this.querySelector('script[data-i18n]')?.textContent || '{}');
    // Liquid fills every data attribute (snippets/tally-attributes.liquid).
    this._f = formatter(strings, d.locale!, d.currency!, d.pointsName);
    this._api = proxyClient(d.proxy!);
    this._links = d as unknown as Links;
    this._launcher = this.querySelector('[data-action=toggle]')!;
    this._body = this.querySelector('[data-body]')!;
    this._dialog = this.querySelector('dialog');
    // Listeners on the element itself go away with it: nothing to remove on disconnect.
    this.addEventListener('click', this._onClick);
    this.addEventListener('submit', this._onSubmit);
    this.addEventListener('keydown', this._onKeydown);
    this._dialog?.addEventListener('close', this._onClose);
    widgets.add(this);
    if (!consentWatched) {
      consentWatched = true;
      // Consent given on the store's banner after the panel loaded: fetched again, now with this browser's id.
      onConsentCollected(() => shared && void pageData(this._api, this._f, true).catch(() => undefined));
    }
    // The shopper clicked the launcher before this script arrived (the embed's loader).
    if (d.open != null) {
      delete d.open;
      this.open();
    }
    // A member's launcher: the survey, and a reward within reach that was not when the panel was last opened.
    if (this._dialog && d.balance) {
      setTimeout(() => askSurvey(this._api, d.locale!), 0);
      void seen().then((rewards) => rewards.some(([, points]) => points <= Number(d.balance)) && this._badge('nudge', 'nudge'));
    }
  }

  /** A badge on the floating launcher (data-prompt="survey" or "nudge"), named for screen readers; no text key: removed. */
  _badge(kind: string, key?: string) {
    let badge = this._launcher.querySelector<HTMLElement>(`[data-prompt=${kind}]`);
    if (!this._dialog || !key) return badge?.remove();
    if (!badge) {
      badge = document.createElement('span');
      badge.className = 'prompt';
      badge.dataset.prompt = kind;
      badge.role = 'img';
      // Out of the launcher's flow even before the stylesheet arrives: the launcher never changes size.
      badge.style.position = 'absolute';
      this._launcher.append(badge);
    }
    badge.ariaLabel = this._f.t(key);
  }

  /** The survey arrived or was answered: the launcher's badge, and the card in an open panel. */
  _surveyChanged() {
    this._badge('survey', survey ? 'survey_prompt' : undefined);
    this._render();
  }

  disconnectedCallback() {
    widgets.delete(this);
  }

  open() {
    this._launcher.ariaExpanded = 'true';
    this._badge('nudge');
    if (this._dialog) {
      this._dialog.showModal(); // focuses the close button (autofocus)
    } else {
      this._body.hidden = false;
    }
    this._load();
  }

  close() {
    if (this._dialog?.open) this._dialog.close();
    else this._onClose();
  }

  /** Escape and the close button both end here; focus goes back to the launcher. */
  private _onClose = () => {
    this._launcher.ariaExpanded = 'false';
    if (!this._dialog) this._body.hidden = true;
    this._launcher.focus();
  };

  /** The page's data and the renderer, then the panel; `force` after an action refreshes every widget. */
  private async _load(force = false) {
    if (!this._state) this._body.innerHTML = `<p class="muted">${this._f.h('loading')}</p>`;
    try {
      const [data, panel] = await Promise.all([pageData(this._api, this._f, force), loadPanel(this.dataset.panel!)]);
      this._panel = panel;
      this._show(data);
      if (data.member) {
        askSurvey(this._api, this.dataset.locale!);
        // What is out of reach now: the launcher's nudge on a later page when the balance covers one of them.
        void seen(data.rewards.filter((r) => r.eligible !== false && !r.affordable).map((r) => [r.id, cost(r)]));
      }
    } catch {
      if (!this._state) this._body.innerHTML = `<p class="notice" role="alert">${this._f.h('load_error')}</p>`;
    }
  }

  /** New data for the page: this widget repaints once it has been opened. */
  _show(data: Data) {
    named(this._f, data);
    if (!this._panel || (!this._state && this._launcher.ariaExpanded !== 'true')) return;
    this._state = { ...this._state, ...data };
    this._render();
  }

  private _render() {
    if (this._state && this._panel)
      this._body.innerHTML = this._panel.renderPanel({ ...this._state, survey, surveyAnswered: answered }, this._f, this._links);
  }

  private _onClick = (event: Event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
    const action = target?.dataset.action;
    if (action === 'toggle') {
      if (this._launcher.ariaExpanded === 'true') this.close();
      else this.open();
    } else if (action === 'close') this.close();
    else if (action === 'redeem') this._redeem(target! as HTMLButtonElement);
    else if (action === 'copy') this._copy(target!);
    else if (action === 'share') navigator.share?.({ url: target!.dataset.share }).catch(() => undefined);
  };

  private async _redeem(button: HTMLButtonElement) {
    const rewardId = button.dataset.reward!;
    const input = button.parentElement!.querySelector('input');
    button.disabled = true;
    button.textContent = this._f.t('redeeming');
    // One key per click: a retried request returns the same redemption.
    const key = crypto.randomUUID();
    try {
      const { redemption } = await this._api.redeem(rewardId, key, input ? Number(input.value) : undefined);
      await this._showRedemption(redemption);
    } catch (error) {
      this._note(error);
    }
  }

  /** Shows the code; a pending one (Shopify busy) is polled until it is issued or fails. */
  private async _showRedemption(redemption: Redemption) {
    for (let i = 0; ; i++) {
      // The balance changed; a failed redemption gave the points back.
      if (i === 0 || redemption.status === 'failed') await this._load(true);
      this._state = { ...this._state!, redemption, notice: undefined };
      this._render();
      this._body.querySelector<HTMLElement>('.code button')?.focus();
      // The code sits near the top, above a list that can be long: in view whole, below the sticky header (scroll-margin).
      this._body.querySelector('.code')?.scrollIntoView({ block: 'nearest' });
      if (redemption.status !== 'pending' || i === POLL_TIMES) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      redemption = (await this._api.redemption(redemption.id)).redemption;
    }
  }

  /** A refusal (error code) or failure, shown in the panel. */
  private _note(error: unknown) {
    this._state = { ...this._state!, notice: error instanceof ProxyError ? error.code : 'error' };
    this._render();
  }

  private async _copy(button: HTMLElement) {
    await navigator.clipboard?.writeText(button.dataset.copy!).catch(() => undefined);
    button.textContent = this._f.t('copied');
  }

  private _onSubmit = async (event: Event) => {
    const form = event.target as HTMLFormElement;
    const action = form.dataset.action;
    if (action !== 'birthday' && action !== 'survey') return;
    event.preventDefault();
    const data = new FormData(form);
    if (action === 'survey') return this._answer(form, data);
    try {
      const { birthday } = await this._api.saveBirthday(Number(data.get('month')), Number(data.get('day')));
      this._state = { ...this._state!, member: { ...this._state!.member!, birthday }, notice: undefined };
      this._render();
    } catch (error) {
      this._note(error);
    }
  };

  /** Sends the survey's answers; the thank-you replaces the card (focused, so the keyboard stays in the panel) and the balance is fetched again. */
  private async _answer(form: HTMLFormElement, data: FormData) {
    const button = form.querySelector('button')!;
    button.disabled = true;
    try {
      const answers = Object.fromEntries(survey!.questions.map((q) => [q.key, Number(data.get(q.key))]));
      answered = (await this._api.answerSurvey(survey!.id, answers, String(data.get('comment')))).pointsAwarded;
      survey = null;
      for (const widget of widgets) widget._surveyChanged();
      await this._load(true);
      this._body.querySelector<HTMLElement>('.survey')?.focus();
    } catch {
      button.disabled = false;
      form.querySelector('.notice')?.remove();
      button.insertAdjacentHTML('beforebegin', `<p class="notice" role="alert">${this._f.h('survey_error')}</p>`);
    }
  }

  /** Keeps Tab inside the open dialog (the page behind is inert). */
  private _onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || !this._dialog?.open) return;
    const items = [...this._dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      last.focus();
      event.preventDefault();
    } else if (!event.shiftKey && document.activeElement === last) {
      first.focus();
      event.preventDefault();
    }
  };
}

if (!customElements.get('tally-widget')) customElements.define('tally-widget', TallyWidget);
