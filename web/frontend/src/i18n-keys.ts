// The types of the admin's translations: which keys exist and what a
// translator takes. Their own module so i18n.ts and the form messages
// (forms/messages.ts), which i18n.ts uses for zod's errors, both import them
// without importing each other.
import type enMessages from '../locales/en.json';

export type Messages = typeof enMessages;

/** "Dashboard.title" | "Navigation.members" | ... */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;
export type MessageVars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: MessageVars) => string;
