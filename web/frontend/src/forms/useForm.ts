// Form state for the admin's editors: the value, whether it changed, and the
// errors to show next to each field. Errors come from the same domain parser
// the server runs (web/loyalty/domain), checked before sending, and from the
// server's `fields` when it still refuses.
import { useCallback, useMemo, useState } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../providers/I18nProvider';
import type { FieldErrors } from './field-errors';
import { localiseErrors } from './messages';

export type { FieldErrors };
type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** `value` with the dotted `path` replaced by `next` (objects copied, never mutated). */
export function setIn<T>(value: T, path: string, next: unknown): T {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const source = (value ?? {}) as Record<string, unknown>;
  const child = rest.length ? setIn(source[head], rest.join('.'), next) : next;
  // Lists stay lists ("tiers.1.threshold").
  if (Array.isArray(value)) return Object.assign([...value], { [Number(head)]: child }) as T;
  return { ...source, [head]: child } as T;
}

export function getIn(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
}

export interface Form<T> {
  value: T;
  set(path: string, next: unknown): void;
  replace(next: T): void;
  dirty: boolean;
  errors: FieldErrors;
  /** A message not tied to one field (the server refused for another reason). */
  formError: string | null;
  submitting: boolean;
  /** Checks with `parse`; when valid, sends the parsed value with `save`. Resolves true when saved. */
  submit(): Promise<boolean>;
  reset(): void;
}

export function useForm<T, P = T>(initial: T, parse: (raw: T) => Parsed<P>, save: (parsed: P, raw: T) => Promise<unknown>): Form<T> {
  const [saved, setSaved] = useState(initial);
  const [value, setValue] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [checked, setChecked] = useState(false);

  const set = useCallback(
    (path: string, next: unknown) => {
      setValue((v) => {
        const updated = setIn(v, path, next);
        // After a first submit, errors follow the edits as they are made.
        if (checked) {
          const result = parse(updated);
          setErrors(result.ok ? {} : result.errors);
        }
        return updated;
      });
    },
    [checked, parse],
  );

  const dirty = useMemo(() => JSON.stringify(value) !== JSON.stringify(saved), [value, saved]);

  const submit = useCallback(async () => {
    setChecked(true);
    setFormError(null);
    const result = parse(value);
    if (!result.ok) {
      setErrors(result.errors);
      return false;
    }
    setErrors({});
    setSubmitting(true);
    try {
      await save(result.value, value);
      setSaved(value);
      setChecked(false);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.fields) setErrors(error.fields);
      setFormError(error instanceof ApiError ? (error.detail ?? error.message) : String(error));
      return false;
    } finally {
      setSubmitting(false);
    }
  }, [parse, save, value]);

  const reset = useCallback(() => {
    setValue(saved);
    setErrors({});
    setFormError(null);
    setChecked(false);
  }, [saved]);

  const replace = useCallback((next: T) => {
    setSaved(next);
    setValue(next);
    setErrors({});
  }, []);

  const { t } = useI18n();
  const shown = useMemo(() => localiseErrors(errors, t), [errors, t]);
  return { value, set, replace, dirty, errors: shown, formError, submitting, submit, reset };
}
