import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { createTranslator, type Locale, type Messages, type Translate } from '../i18n';

export interface I18n {
  locale: Locale;
  t: Translate;
  formatNumber(value: number): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ locale, messages, children }: { locale: Locale; messages: Messages; children: ReactNode }) {
  const value = useMemo<I18n>(() => {
    const numberFormat = new Intl.NumberFormat(locale);
    return { locale, t: createTranslator(messages, locale), formatNumber: (n) => numberFormat.format(n) };
  }, [locale, messages]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n() must be used inside <I18nProvider>');
  return i18n;
}
