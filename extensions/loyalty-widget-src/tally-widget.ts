// <tally-widget>: the storefront's loyalty panel. Liquid renders the element
// with the launcher, the first paint (balance from the customer's metafields)
// and the translated strings; this script only adds behaviour. Nothing is
// fetched until the shopper opens the panel.
//
// Two presentations share the same code: the app embed opens a modal
// <dialog> from a floating launcher; app blocks (account page, cart) expand
// the panel in place (a disclosure).
import { ProxyError, proxyClient, type ProxyClient } from './api.js';
import { formatter, type Format } from './format.js';
import { alertNotice, renderPanel, type Links } from './render.js';
import type { Redemption, State } from './types.js';

// What the panel renders that takes focus (see render.ts).
const FOCUSABLE = 'a,button:enabled,input,select'; // every link it renders has an href
const POLL_MS = 1500;
const POLL_TIMES = 40;

class TallyWidget extends HTMLElement {
  private _api!: ProxyClient;
  private _f!: Format;
  private _links!: Links;
  private _launcher!: HTMLElement;
  private _body!: HTMLElement;
  private _dialog: HTMLDialogElement | null = null;
  private _state: State | null = null;
  private _loading: Promise<void> | null = null;

  connectedCallback() {
    const d = this.dataset;
    const strings = JSON.parse(this.querySelector('script[data-i18n]')?.textContent || '{}');
    // Liquid fills every data attribute (snippets/tally-attributes.liquid).
    this._f = formatter(strings, d.locale!, d.currency!);
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
  }

  open() {
    this._launcher.ariaExpanded = 'true';
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

  /** Member and rewards, once per page unless forced (after a redemption). */
  private _load(force = false): Promise<void> {
    if (!this._loading || force) this._loading = this._fetch();
    return this._loading;
  }

  private async _fetch() {
    const body = this._body;
    if (!this._state) body.innerHTML = `<p class="muted">${this._f.h('loading')}</p>`;
    try {
      const [m, r] = await Promise.all([this._api.member(), this._api.rewards()]);
      this._state = { ...this._state, member: m.member, program: m.program, rewards: r.rewards };
      this._render();
    } catch {
      // Opening the panel again tries again.
      this._loading = null;
      body.innerHTML = alertNotice(this._f.h('load_error'));
    }
  }

  private _render() {
    if (!this._state) return;
    this._body.innerHTML = renderPanel(this._state, this._f, this._links);
    const balance = this._launcher.querySelector('[data-balance]');
    if (balance && this._state.member) balance.textContent = this._f.points(this._state.member.points.available);
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
    if (form.dataset.action !== 'birthday') return;
    event.preventDefault();
    const data = new FormData(form);
    try {
      const { birthday } = await this._api.saveBirthday(Number(data.get('month')), Number(data.get('day')));
      this._state = { ...this._state!, member: { ...this._state!.member!, birthday }, notice: undefined };
      this._render();
    } catch (error) {
      this._note(error);
    }
  };

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
