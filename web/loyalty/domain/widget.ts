// The storefront widget's appearance and texts, as the merchant sets them in
// the admin: one zod schema with defaults, shared by the admin API, the admin
// UI's form and the widget preview. Texts are the merchant's own words; empty
// means "use the widget's translated default".
import { z } from 'zod';
import { parseWith, type Parsed } from './validation.js';
import { messages } from './messages.js';

const HEX_COLOR = /^#[0-9a-f]{6}$/i;
const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`).default('');

export const LAUNCHER_POSITIONS = ['bottom-right', 'bottom-left'] as const;
export const LAUNCHER_ICONS = ['star', 'gift', 'heart', 'crown'] as const;

export const widgetSettingsSchema = z.object({
  /** Show the launcher on the storefront (the theme's app embed must be on as well). */
  enabled: z.boolean().default(true),
  launcher: z
    .object({
      position: z.enum(LAUNCHER_POSITIONS).default('bottom-right'),
      icon: z.enum(LAUNCHER_ICONS).default('star'),
      /** Text on the launcher button; empty shows the icon only. */
      label: text(30),
      /** Pixels from the screen's edge. */
      offset: z.number().int(messages.wholePixels).min(0).max(200).default(20),
      showOnMobile: z.boolean().default(true),
    })
    .default({ position: 'bottom-right', icon: 'star', label: '', offset: 20, showOnMobile: true }),
  colors: z
    .object({
      accent: z.string().trim().regex(HEX_COLOR, messages.hexColour).default('#1a1a1a'),
      text: z.string().trim().regex(HEX_COLOR, messages.hexColour).default('#ffffff'),
    })
    .default({ accent: '#1a1a1a', text: '#ffffff' }),
  texts: z
    .object({
      guestTitle: text(80),
      guestBody: text(300),
      memberTitle: text(80),
    })
    .default({ guestTitle: '', guestBody: '', memberTitle: '' }),
});
export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;

export const DEFAULT_WIDGET_SETTINGS: Readonly<WidgetSettings> = Object.freeze(widgetSettingsSchema.parse({}));

/** Widget settings from admin input or storage, defaults filled in, or field → message errors. */
export function parseWidgetSettings(raw: unknown): Parsed<WidgetSettings> {
  return parseWith(widgetSettingsSchema, raw ?? {});
}

/** The storefront languages the widget is translated into (extensions/loyalty-widget/locales), each named in itself. */
export const STOREFRONT_LOCALES = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
  { code: 'pl', name: 'Polski' },
  { code: 'es', name: 'Español' },
  { code: 'fr', name: 'Français' },
  { code: 'de', name: 'Deutsch' },
] as const;
export type StorefrontLocale = (typeof STOREFRONT_LOCALES)[number]['code'];
export const storefrontLocaleCodes = STOREFRONT_LOCALES.map((l) => l.code) as [StorefrontLocale, ...StorefrontLocale[]];
