// Currencies whose minor unit ISO 4217 counts with more digits than Intl
// shows: Intl reports CLDR's *display* digits, which for a few currencies are
// fewer (CLDR shows HUF and IDR without decimals, ISO gives them 2). The
// server (web/loyalty/domain/money.ts) and the storefront widget
// (extensions/loyalty-widget-src/format.ts, which bundles this module) both
// count amounts in ISO's minor units, so they read the same table. No imports:
// the widget's bundle takes this file whole.
export const ISO_4217_MORE_DIGITS: Readonly<Record<string, number>> = {
  AFN: 2,
  ALL: 2,
  COP: 2,
  HUF: 2,
  IDR: 2,
  IQD: 3,
  IRR: 2,
  KPW: 2,
  LAK: 2,
  LBP: 2,
  MGA: 2,
  MMK: 2,
  PKR: 2,
  RSD: 2,
  SLL: 2,
  SOS: 2,
  SYP: 2,
  YER: 2,
};
