// The dashboard's date range: presets (last 7 / 30 / 90 / 365 days) or any
// range picked on a calendar. Dates are calendar days (YYYY-MM-DD) of the
// shop's time zone, as the server counts them: "today" is the shop's today,
// not the browser's (an admin in New York looking at a Warsaw shop after
// 18:00 would otherwise miss the shop's whole current day).
import { useState } from 'react';
import { BlockStack, Button, DatePicker, InlineStack, Popover, Select } from '@shopify/polaris';
import { CalendarIcon } from '@shopify/polaris-icons';
import { useI18n } from '../providers/I18nProvider';
import { useProgram } from '../queries';

export interface DayRange {
  from: string;
  to: string;
}

const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const local = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!);
};

/**
 * Today in `timeZone` (the shop's), as a local-midnight Date of that calendar day; the browser's today until the
 * shop's zone is known.
 */
export function shopToday(timeZone: string | undefined, now = new Date()): Date {
  if (!timeZone) return new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return new Date(part('year'), part('month') - 1, part('day'));
}

/** The shop's time zone, once the program has loaded. */
const useShopZone = () => useProgram().data?.shop.ianaTimezone;

/**
 * A page's range: the last `days` days to the shop's today until the merchant picks another. `ready` once the
 * shop's zone is known: a page asks for its figures then, not once with the browser's today and again.
 */
export function useDayRange(days: number): [DayRange, (range: DayRange) => void, boolean] {
  const zone = useShopZone();
  const [picked, setPicked] = useState<DayRange | null>(null);
  return [picked ?? lastDays(days, shopToday(zone)), setPicked, picked !== null || zone !== undefined];
}

/** The last `days` days, today included. */
export function lastDays(days: number, today = new Date()): DayRange {
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: iso(from), to: iso(today) };
}

const PRESETS = [7, 30, 90, 365] as const;

export function DateRangePicker({ value, onChange }: { value: DayRange; onChange(range: DayRange): void }) {
  const { t } = useI18n();
  const zone = useShopZone();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({ start: local(value.from), end: local(value.to) });
  const [month, setMonth] = useState({ month: local(value.to).getMonth(), year: local(value.to).getFullYear() });
  const preset = PRESETS.find((days) => {
    const r = lastDays(days, shopToday(zone));
    return r.from === value.from && r.to === value.to;
  });

  return (
    <InlineStack gap="200" blockAlign="end">
      <div data-testid="range-preset">
        <Select
          label={t('Dashboard.range')}
          labelInline
          options={[
            ...PRESETS.map((days) => ({ label: t('Dashboard.lastDays', { days }), value: String(days) })),
            { label: t('Dashboard.customRange'), value: 'custom' },
          ]}
          value={preset ? String(preset) : 'custom'}
          onChange={(v) => (v === 'custom' ? setOpen(true) : onChange(lastDays(Number(v), shopToday(zone))))}
        />
      </div>
      <Popover
        active={open}
        onClose={() => setOpen(false)}
        activator={
          <Button icon={CalendarIcon} onClick={() => setOpen((o) => !o)}>
            {`${value.from} – ${value.to}`}
          </Button>
        }
      >
        <Popover.Section>
          <BlockStack gap="300">
            <DatePicker
              month={month.month}
              year={month.year}
              onMonthChange={(m, y) => setMonth({ month: m, year: y })}
              selected={draft}
              onChange={setDraft}
              allowRange
              multiMonth={false}
              disableDatesAfter={shopToday(zone)}
            />
            <InlineStack align="end">
              <Button
                variant="primary"
                onClick={() => {
                  onChange({ from: iso(draft.start), to: iso(draft.end) });
                  setOpen(false);
                }}
              >
                {t('Dashboard.apply')}
              </Button>
            </InlineStack>
          </BlockStack>
        </Popover.Section>
      </Popover>
    </InlineStack>
  );
}
