// Renders one shopper email: the subject and body are Liquid (with liquidjs's
// parse, render and memory limits, so a merchant's template cannot hang or
// exhaust the process), the body sits in an MJML layout (responsive, the
// shop's name on the widget's colours), and the text part is html-to-text of
// the same content. A template error is a TemplateError naming the part, the
// language and the line; it fails that one message, never another.
import { compile } from 'html-to-text';
import { Liquid, LiquidError } from 'liquidjs';
import { trackLinks } from './clicks.js';
import type { EmailCategory, EmailLocale, EmailTemplate } from './messages/index.js';

export class TemplateError extends Error {
  constructor(
    readonly part: 'subject' | 'body',
    readonly locale: string,
    readonly line: number | null,
    readonly detail: string,
  ) {
    super(`Template error in the ${part} (${locale})${line === null ? '' : `, line ${line}`}: ${detail}`);
    this.name = 'TemplateError';
  }
}

const LIMITS = {
  /** Characters of template text. */
  parseLimit: 100_000,
  /** Milliseconds of rendering. */
  renderLimit: 500,
  /** Roughly, bytes of strings and arrays the template may build. */
  memoryLimit: 5_000_000,
};

// Unknown filters are errors (a typo shows with its line); an unknown variable renders empty, as in Shopify.
const bodyLiquid = new Liquid({ ...LIMITS, strictFilters: true, ownPropertyOnly: true, outputEscape: 'escape', cache: 200 });
const subjectLiquid = new Liquid({ ...LIMITS, strictFilters: true, ownPropertyOnly: true, cache: 200 });

function templateError(part: 'subject' | 'body', locale: string, error: unknown): TemplateError {
  if (error instanceof LiquidError) {
    const [line] = error.token?.getPosition?.() ?? [];
    // liquidjs appends ", line:2, col:1" and the source excerpt; keep the first line of its message.
    const detail = (error.message.split('\n')[0] ?? error.message).replace(/, line:\d+, col:\d+$/, '');
    return new TemplateError(part, locale, typeof line === 'number' ? line : null, detail);
  }
  return new TemplateError(part, locale, null, (error as Error).message ?? String(error));
}

/** Checks a template's Liquid without rendering it (the admin's save): throws TemplateError. */
export function checkTemplate(template: EmailTemplate, locale: string): void {
  for (const part of ['subject', 'body'] as const) {
    try {
      (part === 'subject' ? subjectLiquid : bodyLiquid).parse(template[part]);
    } catch (error) {
      throw templateError(part, locale, error);
    }
  }
}

/**
 * Parsed templates by part and source. liquidjs's `cache` covers template files only, so parseAndRender() parsed the
 * same text again for every message (a monthly statement renders one template for 100,000 members).
 */
const parsed = new Map<string, ReturnType<Liquid['parse']>>();

async function renderPart(part: 'subject' | 'body', locale: string, source: string, data: object): Promise<string> {
  try {
    const engine = part === 'subject' ? subjectLiquid : bodyLiquid;
    const key = `${part}\u0000${source}`;
    let template = parsed.get(key);
    if (!template) {
      template = engine.parse(source);
      parsed.set(key, template);
      if (parsed.size > 500) parsed.delete(parsed.keys().next().value!);
    }
    return String(await engine.render(template, data));
  } catch (error) {
    throw templateError(part, locale, error);
  }
}

export interface Layout {
  shopName: string;
  locale: EmailLocale;
  category: EmailCategory;
  /** The widget's colours: the header's background and its text. */
  colors: { accent: string; text: string };
  /** The one-click unsubscribe URL (also the footer's link). */
  unsubscribeUrl: string;
  /** The shop's postal address for the footer, when set. */
  postalAddress?: string | null;
  /** Wraps each http(s) link of the body in the signed click redirect (web/email/clicks.ts); none in previews. */
  trackLink?: (url: string) => string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const FOOTER: Record<EmailLocale, { why: string; unsubscribe: Record<EmailCategory, string> }> = {
  en: {
    why: 'You get this email as a member of the {shop} rewards program.',
    unsubscribe: {
      account: 'Unsubscribe from account emails',
      reminder: 'Unsubscribe from reminders',
      marketing: 'Unsubscribe from offers',
    },
  },
  fr: {
    why: 'Vous recevez cet e-mail en tant que membre du programme de fidélité de {shop}.',
    unsubscribe: {
      account: 'Se désabonner des e-mails de compte',
      reminder: 'Se désabonner des rappels',
      marketing: 'Se désabonner des offres',
    },
  },
  de: {
    why: 'Sie erhalten diese E-Mail als Mitglied des Treueprogramms von {shop}.',
    unsubscribe: {
      account: 'Konto-E-Mails abbestellen',
      reminder: 'Erinnerungen abbestellen',
      marketing: 'Angebote abbestellen',
    },
  },
  es: {
    why: 'Recibes este correo como miembro del programa de recompensas de {shop}.',
    unsubscribe: {
      account: 'Darse de baja de los correos de la cuenta',
      reminder: 'Darse de baja de los recordatorios',
      marketing: 'Darse de baja de las ofertas',
    },
  },
  pl: {
    why: 'Otrzymujesz tę wiadomość jako uczestnik programu lojalnościowego {shop}.',
    unsubscribe: {
      account: 'Wypisz się z wiadomości o koncie',
      reminder: 'Wypisz się z przypomnień',
      marketing: 'Wypisz się z ofert',
    },
  },
  'zh-CN': {
    why: '您收到此邮件是因为您是 {shop} 会员计划的成员。',
    unsubscribe: { account: '退订账户邮件', reminder: '退订提醒邮件', marketing: '退订优惠邮件' },
  },
};

/** html-to-text compiled once: convert() would compile its options and selectors again for every message. */
const toText = compile({ wordwrap: 78, selectors: [{ selector: 'a', options: { hideLinkHrefIfSameAsText: true } }] });

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const BODY_SLOT = 'TALLY_EMAIL_BODY_SLOT';
/** The layout as HTML per (shop name, colours, language, category, address): MJML is the slow part, the body is put in after. */
const layouts = new Map<string, Promise<string>>();

async function layoutHtml(layout: Layout): Promise<string> {
  const footer = FOOTER[layout.locale];
  const key = JSON.stringify([layout.shopName, layout.colors, layout.locale, layout.category, layout.postalAddress ?? '']);
  let html = layouts.get(key);
  if (!html) {
    const why = escapeHtml(footer.why.replace('{shop}', layout.shopName));
    const address = layout.postalAddress ? `<br/>${escapeHtml(layout.postalAddress)}` : '';
    const source = `<mjml lang="${layout.locale}">
  <mj-head>
    <mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /><mj-text font-size="15px" line-height="1.5" color="#1a1a1a" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f4f4">
    <mj-section background-color="${layout.colors.accent}" padding="20px">
      <mj-column><mj-text align="center" font-size="20px" font-weight="bold" color="${layout.colors.text}">${escapeHtml(layout.shopName)}</mj-text></mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="24px 16px">
      <mj-column><mj-text>${BODY_SLOT}</mj-text></mj-column>
    </mj-section>
    <mj-section padding="16px">
      <mj-column>
        <mj-text align="center" font-size="12px" color="#6d7175">${why}${address}<br/><a href="${escapeHtml(layout.unsubscribeUrl)}" style="color:#6d7175">${escapeHtml(footer.unsubscribe[layout.category])}</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
    // MJML takes about 3 s to load: a process pays for it with its first email, not at start.
    html = import('mjml').then(async ({ default: mjml2html }) => {
      const result = await mjml2html(source, { validationLevel: 'strict' });
      if (result.errors.length > 0) throw new Error(`Email layout: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
      return result.html;
    });
    // The unsubscribe URL is per member: cache only by what repeats (the URL is swapped in below). A failure is not kept.
    layouts.set(key, html);
    html.catch(() => layouts.delete(key));
    if (layouts.size > 500) layouts.delete(layouts.keys().next().value!);
  }
  return html;
}

/** Renders a message for one member: subject, HTML and text. Throws TemplateError for the merchant's template. */
export async function renderEmail(template: EmailTemplate, data: object, layout: Layout): Promise<RenderedEmail> {
  const subject = (await renderPart('subject', layout.locale, template.subject, data)).replace(/\s+/g, ' ').trim();
  const rendered = await renderPart('body', layout.locale, template.body, data);
  const body = layout.trackLink ? trackLinks(rendered, layout.trackLink) : rendered;
  // The layout is cached with a placeholder URL; each member's own unsubscribe URL goes in here.
  const placeholder = 'https://tally.invalid/unsubscribe';
  const frame = await layoutHtml({ ...layout, unsubscribeUrl: placeholder });
  const html = frame.replace(BODY_SLOT, () => body).replaceAll(placeholder, escapeHtml(layout.unsubscribeUrl));
  const footer = FOOTER[layout.locale];
  const text = [
    toText(body),
    '--',
    footer.why.replace('{shop}', layout.shopName),
    ...(layout.postalAddress ? [layout.postalAddress] : []),
    `${footer.unsubscribe[layout.category]}: ${layout.unsubscribeUrl}`,
  ].join('\n');
  return { subject, html, text };
}
