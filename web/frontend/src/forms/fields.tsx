// Polaris inputs bound to a form path: they read and write the form's value
// and show that path's error. Money is typed in major units (5.00) and kept
// in minor units (500), the way the domain stores it.
import { useEffect, useState, type ReactNode } from 'react';
import { Checkbox, Select, TextField } from '@shopify/polaris';
import { getIn, type Form } from './useForm';

interface FieldProps<T> {
  form: Form<T>;
  path: string;
  label: string;
  helpText?: ReactNode;
}

const errorOf = <T,>(form: Form<T>, path: string) => form.errors[path];

export function TextInput<T>({
  form,
  path,
  label,
  helpText,
  multiline,
  maxLength,
}: FieldProps<T> & { multiline?: boolean; maxLength?: number }) {
  return (
    <TextField
      label={label}
      value={String(getIn(form.value, path) ?? '')}
      onChange={(v) => form.set(path, v)}
      error={errorOf(form, path)}
      helpText={helpText}
      autoComplete="off"
      multiline={multiline ? 3 : undefined}
      maxLength={maxLength}
      showCharacterCount={Boolean(maxLength)}
    />
  );
}

/** A whole number; empty means null when `nullable` (e.g. "no limit"). */
export function NumberInput<T>({ form, path, label, helpText, nullable, suffix }: FieldProps<T> & { nullable?: boolean; suffix?: string }) {
  const current = getIn(form.value, path);
  const [text, setText] = useState(current === null || current === undefined ? '' : String(current));
  useEffect(() => {
    // Only an outside change (reset, load, a form emptied after saving) rewrites the text the merchant is typing:
    // typing only empties the value when the text is empty.
    if (current === null || current === undefined) {
      if (text.trim() !== '') setText('');
      return;
    }
    if (Number(text) !== current) setText(String(current));
  }, [current]);
  return (
    <TextField
      label={label}
      type="number"
      value={text}
      suffix={suffix}
      onChange={(v) => {
        setText(v);
        const n = Number(v);
        form.set(path, v.trim() === '' ? (nullable ? null : undefined) : Number.isFinite(n) ? n : v);
      }}
      error={errorOf(form, path)}
      helpText={helpText}
      autoComplete="off"
    />
  );
}

/** An amount in the shop's currency: `digits` decimals typed, minor units stored. */
export function MoneyInput<T>({
  form,
  path,
  label,
  helpText,
  currency,
  digits,
  nullable,
}: FieldProps<T> & { currency: string; digits: number; nullable?: boolean }) {
  const current = getIn(form.value, path);
  const show = (minor: unknown) => (typeof minor === 'number' ? (minor / 10 ** digits).toFixed(digits) : '');
  const [text, setText] = useState(show(current));
  useEffect(() => {
    if (typeof current === 'number' && Math.round(Number(text.replace(',', '.')) * 10 ** digits) !== current) setText(show(current));
    else if ((current === null || current === undefined) && text.trim() !== '') setText('');
  }, [current]);
  return (
    <TextField
      label={label}
      type="text"
      inputMode="decimal"
      value={text}
      suffix={currency}
      onChange={(v) => {
        setText(v);
        const n = Number(v.replace(',', '.'));
        form.set(path, v.trim() === '' ? (nullable ? null : undefined) : Number.isFinite(n) ? Math.round(n * 10 ** digits) : v);
      }}
      error={errorOf(form, path)}
      helpText={helpText}
      autoComplete="off"
    />
  );
}

export function CheckboxInput<T>({ form, path, label, helpText }: FieldProps<T>) {
  return (
    <Checkbox
      label={label}
      checked={Boolean(getIn(form.value, path))}
      onChange={(v) => form.set(path, v)}
      helpText={helpText}
      error={errorOf(form, path)}
    />
  );
}

export function SelectInput<T>({ form, path, label, helpText, options }: FieldProps<T> & { options: { label: string; value: string }[] }) {
  return (
    <Select
      label={label}
      options={options}
      value={String(getIn(form.value, path) ?? '')}
      onChange={(v) => form.set(path, v)}
      helpText={helpText}
      error={errorOf(form, path)}
    />
  );
}

/** Ids typed one per line or comma-separated (product or collection ids). */
export function IdListInput<T>({ form, path, label, helpText }: FieldProps<T>) {
  const current = getIn(form.value, path);
  const list = Array.isArray(current) ? current.map(String) : [];
  const firstError = Object.entries(form.errors).find(([key]) => key === path || key.startsWith(`${path}.`))?.[1];
  return (
    <TextField
      label={label}
      value={list.join(', ')}
      onChange={(v) => form.set(path, v.split(/[\s,]+/).filter(Boolean))}
      error={firstError}
      helpText={helpText}
      autoComplete="off"
    />
  );
}
