// The Polaris web components the Tally checkout extension renders (`s-*`),
// defined minimally as custom elements so its Preact tree shows in a plain
// Chromium page and can be inspected: each puts its children in a shadow root
// around the native element it stands for (a real <button>, <textarea>,
// <section> with its heading), takes the properties the extension sets, and
// lets the native events (click, input) reach the listeners Preact puts on it.
// Not Shopify's look; Shopify's own renderer is what buyers see.

const BASE = `:host { display: block; font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; }`;

abstract class Polaris extends HTMLElement {
  readonly root: ShadowRoot;
  constructor(html: string, css = '') {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.innerHTML = `<style>${BASE}${css}</style>${html}`;
  }
  protected inner<T extends Element>(selector: string): T {
    return this.root.querySelector(selector) as T;
  }
}

/** A property that re-renders the element when set (Preact sets properties the element has). */
function prop<T>(name: string, apply: (el: Polaris & Record<string, unknown>, value: T) => void) {
  return (cls: { prototype: object }) => {
    const key = `_${name}`;
    Object.defineProperty(cls.prototype, name, {
      get(this: Record<string, unknown>) {
        return this[key];
      },
      set(this: Polaris & Record<string, unknown>, value: T) {
        this[key] = value;
        apply(this, value);
      },
      configurable: true,
    });
  };
}

class SSection extends Polaris {
  constructor() {
    super(
      `<section aria-labelledby="h"><h2 id="h"></h2><slot></slot></section>`,
      `section { background: #fff; border: 1px solid #d4d4d4; border-radius: 12px; padding: 20px; }
       h2 { font-size: 20px; margin: 0 0 12px; }`,
    );
  }
}
prop<string>('heading', (el, v) => void el.root.querySelector('h2')!.replaceChildren(v ?? ''))(SSection);

class SStack extends Polaris {
  constructor() {
    super(`<div><slot></slot></div>`, `div { display: flex; flex-direction: column; gap: 12px; }`);
  }
}
const GAPS: Record<string, string> = { base: '12px', 'small-200': '8px', 'small-300': '6px', none: '0' };
prop<string>('direction', (el, v) => {
  const div = el.root.querySelector('div')!;
  div.style.flexDirection = v === 'inline' ? 'row' : 'column';
  div.style.flexWrap = v === 'inline' ? 'wrap' : 'nowrap';
})(SStack);
prop<string>('gap', (el, v) => void (el.root.querySelector('div')!.style.gap = GAPS[v] ?? '12px'))(SStack);
prop<string>('justifyContent', (el, v) => void (el.root.querySelector('div')!.style.justifyContent = v ?? ''))(SStack);
// status and alert are live regions: assistive technology reads what appears in them.
prop<string>('accessibilityRole', (el, v) => (v ? el.setAttribute('role', v) : el.removeAttribute('role')))(SStack);

class SHeading extends Polaris {
  constructor() {
    super(`<h3><slot></slot></h3>`, `h3 { font-size: 17px; margin: 0; }`);
  }
}

const TONES: Record<string, string> = { success: '#0b6e2c', critical: '#a4161a', info: '#004a80' };
class SParagraph extends Polaris {
  constructor() {
    super(`<p><slot></slot></p>`, `p { margin: 0; }`);
  }
}
prop<string>('tone', (el, v) => void (el.root.querySelector('p')!.style.color = TONES[v] ?? ''))(SParagraph);

class SText extends Polaris {
  constructor() {
    super(`<span><slot></slot></span>`, `:host { display: inline; } span.subdued { color: #545454; font-size: 14px; }`);
  }
}
prop<string>('color', (el, v) => void el.root.querySelector('span')!.classList.toggle('subdued', v === 'subdued'))(SText);

class SButton extends Polaris {
  constructor() {
    super(
      `<button type="button"><slot></slot></button>`,
      `:host { display: inline-block; }
       button { font: inherit; min-width: 44px; min-height: 44px; padding: 8px 16px; border-radius: 8px; cursor: pointer;
                border: 1px solid #1a1a1a; background: #fff; color: #1a1a1a; }
       button.primary { background: #1a1a1a; color: #fff; }
       button:disabled { background: #e3e3e3; color: #545454; border-color: #8a8a8a; cursor: not-allowed; }
       button:focus-visible { outline: 3px solid #005bd3; outline-offset: 2px; }`,
    );
  }
  override focus() {
    this.inner<HTMLButtonElement>('button').focus();
  }
}
const button = (el: Polaris) => el.root.querySelector('button')!;
prop<string>('accessibilityLabel', (el, v) => (v ? button(el).setAttribute('aria-label', v) : button(el).removeAttribute('aria-label')))(
  SButton,
);
prop<string>('variant', (el, v) => void button(el).classList.toggle('primary', v === 'primary'))(SButton);
prop<boolean>('disabled', (el, v) => void (button(el).disabled = Boolean(v) || Boolean(el['loading'])))(SButton);
prop<boolean>('loading', (el, v) => {
  button(el).disabled = Boolean(v) || Boolean(el['disabled']);
  button(el).setAttribute('aria-busy', String(Boolean(v)));
})(SButton);

class STextArea extends Polaris {
  constructor() {
    super(
      `<label><span></span><textarea rows="3"></textarea></label>`,
      `label { display: flex; flex-direction: column; gap: 4px; }
       textarea { font: inherit; padding: 8px; border: 1px solid #8a8a8a; border-radius: 8px; }
       textarea:focus-visible { outline: 3px solid #005bd3; outline-offset: 1px; }`,
    );
  }
  // The textarea's own input event is composed: it reaches Preact's listener on this element, which reads value here.
  get value(): string {
    return this.inner<HTMLTextAreaElement>('textarea').value;
  }
  set value(v: string) {
    const area = this.inner<HTMLTextAreaElement>('textarea');
    if (area.value !== v) area.value = v ?? '';
  }
}
prop<string>('label', (el, v) => void el.root.querySelector('span')!.replaceChildren(v ?? ''))(STextArea);
prop<number>('maxLength', (el, v) => void (el.root.querySelector('textarea')!.maxLength = v))(STextArea);

export function defineComponents(): void {
  const all: Array<[string, CustomElementConstructor]> = [
    ['s-section', SSection],
    ['s-stack', SStack],
    ['s-heading', SHeading],
    ['s-paragraph', SParagraph],
    ['s-text', SText],
    ['s-button', SButton],
    ['s-text-area', STextArea],
  ];
  for (const [name, element] of all) if (!customElements.get(name)) customElements.define(name, element);
}
