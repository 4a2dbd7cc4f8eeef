// Field errors in the admin's language. Tally's own messages are found by
// their English text (web/loyalty/domain/messages.ts: what the server sends
// too) and shown from the locale files; zod's built-in messages are already
// in the admin's language when the browser checked the value (zod's locale is
// set with the admin's, see i18n.ts).
import type { z } from 'zod';
import { messageName, noteName } from '../../../loyalty/domain/messages';
import type { MessageKey, Translate } from '../i18n-keys';
import type { FieldErrors } from './field-errors';

export const localiseMessage = (message: string, t: Translate): string => {
  const name = messageName(message);
  return name ? t(`Validation.${name}` as MessageKey) : message;
};

/** A note Tally keeps on a record, in the admin's language when it is one of Tally's own. */
export const localiseNote = (note: string, t: Translate): string => {
  const name = noteName(note);
  return name ? t(`Notes.${name}` as MessageKey) : note;
};

export function localiseErrors(errors: FieldErrors, t: Translate): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([path, message]) => [path, localiseMessage(message, t)]));
}

/**
 * zod's messages for the checks forms meet most (a number out of range, a
 * text too long, an empty field), in the admin's words and language
 * ("at most 365" rather than "Too big: expected number to be <=365").
 * Anything else falls through to zod's own locale.
 */
export function zodMessages(t: Translate, formatNumber: (n: number) => string): z.core.$ZodErrorMap {
  const n = (value: number | bigint) => formatNumber(Number(value));
  return (issue) => {
    const numeric = issue.origin === 'number' || issue.origin === 'int';
    switch (issue.code) {
      case 'too_big':
        if (numeric) return t(issue.inclusive ? 'Validation.atMost' : 'Validation.below', { max: n(issue.maximum) });
        if (issue.origin === 'string') return t('Validation.maxLength', { max: n(issue.maximum) });
        return undefined;
      case 'too_small':
        if (numeric) return t(issue.inclusive ? 'Validation.atLeast' : 'Validation.above', { min: n(issue.minimum) });
        if (issue.origin === 'string')
          return Number(issue.minimum) <= 1 ? t('Validation.required') : t('Validation.minLength', { min: n(issue.minimum) });
        return undefined;
      case 'invalid_type':
        if (issue.input === undefined || issue.input === null || issue.input === '') return t('Validation.required');
        if (issue.expected === 'number' || issue.expected === 'int') return t('Validation.number');
        return undefined;
      default:
        return undefined;
    }
  };
}
