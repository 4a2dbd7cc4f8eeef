// Cohort retention as a heatmap that is a real table: one row per month of
// first order, one column per month after it, each cell's percentage written
// in it and its background darker the higher it is. The text is black or
// white, whichever contrasts more with the cell (at least 4.5:1 always).
// Keyboard: one tab stop; the arrow keys, Home and End move between cells.
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { Text } from '@shopify/polaris';
import { useI18n } from '../../providers/I18nProvider';
import type { Cohort } from './types';

// From white to Polaris' dark blue, by the share retained.
const LOW = [255, 255, 255];
const HIGH = [0, 66, 153];

function mix(share: number): [number, number, number] {
  const s = Math.max(0, Math.min(1, share));
  return [0, 1, 2].map((i) => Math.round(LOW[i]! + (HIGH[i]! - LOW[i]!) * s)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const c = [r, g, b].map((v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
}

/** The cell's background and the text colour that reads best on it. */
export function cellColours(share: number): { background: string; color: string } {
  const rgb = mix(share);
  const l = luminance(rgb);
  const onBlack = (l + 0.05) / 0.05;
  const onWhite = 1.05 / (l + 0.05);
  return { background: `rgb(${rgb.join(', ')})`, color: onBlack >= onWhite ? '#000' : '#fff' };
}

export function CohortHeatmap({ cohorts, percent }: { cohorts: readonly Cohort[]; percent(share: number): string }) {
  const { t, formatNumber } = useI18n();
  const captionId = useId();
  const width = Math.max(0, ...cohorts.map((c) => c.retention.length));
  const [active, setActive] = useState({ row: 0, col: 0 });
  const table = useRef<HTMLTableElement>(null);

  const move = (event: KeyboardEvent<HTMLTableElement>) => {
    const last = { row: cohorts.length - 1, col: width - 1 };
    const next = { ...active };
    switch (event.key) {
      case 'ArrowRight':
        next.col = Math.min(last.col, next.col + 1);
        break;
      case 'ArrowLeft':
        next.col = Math.max(0, next.col - 1);
        break;
      case 'ArrowDown':
        next.row = Math.min(last.row, next.row + 1);
        break;
      case 'ArrowUp':
        next.row = Math.max(0, next.row - 1);
        break;
      case 'Home':
        next.col = 0;
        break;
      case 'End':
        next.col = last.col;
        break;
      default:
        return;
    }
    event.preventDefault();
    setActive(next);
    table.current?.querySelector<HTMLElement>(`[data-cell="${next.row}-${next.col}"]`)?.focus();
  };

  const cellStyle = { padding: '6px 8px', textAlign: 'right' as const, whiteSpace: 'nowrap' as const, minWidth: 48 };
  return (
    <div style={{ overflowX: 'auto' }} data-testid="cohort-heatmap">
      <table
        ref={table}
        onKeyDown={move}
        style={{ borderCollapse: 'separate', borderSpacing: 2, fontVariantNumeric: 'tabular-nums' }}
        aria-describedby={captionId}
      >
        <caption style={{ textAlign: 'left', paddingBottom: 8, captionSide: 'top' }}>
          <Text as="span" variant="bodySm" tone="subdued">
            {t('Analytics.cohortCaption')}
          </Text>
          <span id={captionId} className="Polaris-Text--visuallyHidden">
            {t('Analytics.cohortKeys')}
          </span>
        </caption>
        <thead>
          <tr>
            <th scope="col" style={{ ...cellStyle, textAlign: 'left' }}>
              {t('Analytics.cohortMonth')}
            </th>
            <th scope="col" style={cellStyle}>
              {t('Analytics.cohortCustomers')}
            </th>
            {Array.from({ length: width }, (_, k) => (
              <th key={k} scope="col" style={cellStyle}>
                {t('Analytics.cohortOffset', { n: k })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cohorts.map((cohort, row) => (
            <tr key={cohort.month} data-month={cohort.month}>
              <th scope="row" style={{ ...cellStyle, textAlign: 'left' }}>
                {cohort.month}
              </th>
              <td style={cellStyle}>{formatNumber(cohort.customers)}</td>
              {Array.from({ length: width }, (_, col) => {
                const share = cohort.retention[col];
                const focus = active.row === row && active.col === col;
                const known = share !== undefined && share !== null;
                const colours = known ? cellColours(share) : { background: 'transparent', color: 'inherit' };
                return (
                  <td
                    key={col}
                    data-cell={`${row}-${col}`}
                    data-value={share ?? ''}
                    tabIndex={focus ? 0 : -1}
                    onFocus={() => setActive({ row, col })}
                    style={{ ...cellStyle, ...colours, borderRadius: 4 }}
                  >
                    {known ? percent(share) : share === null ? '—' : ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
