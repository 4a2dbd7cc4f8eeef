// The Analytics page's pure parts: the CSV it saves (shared with the member
// export: quoting and formula-injection protection), the previous period of
// equal length, the cohort months and trend interval a range asks for, and
// heatmap cells whose text stays legible on every shade.
import { describe, expect, it } from 'vitest';
import { csvDocument, csvLine } from '../../web/loyalty/domain/csv.js';
import { cohortMonths, previousRange, trendInterval } from '../../web/frontend/src/components/analytics/format.js';
import { cellColours } from '../../web/frontend/src/components/analytics/CohortHeatmap.js';

describe('CSV of a table', () => {
  it('quotes what needs it, defuses formulas typed as text, keeps negative numbers, ends lines with CRLF', () => {
    expect(csvLine(['Net sales', 'EUR', '12.50', -3, null, '=SUM(A1)', '+48 1', '@x', 'a "b", c'])).toBe(
      `Net sales,EUR,12.50,-3,,'=SUM(A1),'+48 1,'@x,"a ""b"", c"`,
    );
    expect(
      csvDocument(
        ['Tier', 'Members'],
        [
          ['Gold', 3],
          ['-Silver', 0],
        ],
      ),
    ).toBe(`Tier,Members\r\nGold,3\r\n'-Silver,0\r\n`);
  });
});

describe('ranges', () => {
  it('the previous period has the same number of days and ends the day before', () => {
    expect(previousRange({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(previousRange({ from: '2024-03-01', to: '2024-03-01' })).toEqual({ from: '2024-02-29', to: '2024-02-29' });
    expect(previousRange({ from: '2026-01-01', to: '2026-12-31' })).toEqual({ from: '2025-01-01', to: '2025-12-31' });
  });

  it('cohorts cover the range and at least the twelve months ending with it; trends go by day, week or month', () => {
    expect(cohortMonths({ from: '2026-09-01', to: '2026-11-30' })).toEqual({ from: '2025-12', to: '2026-11' });
    expect(cohortMonths({ from: '2024-01-15', to: '2026-02-03' })).toEqual({ from: '2024-01', to: '2026-02' });
    expect(trendInterval({ from: '2026-11-01', to: '2026-11-30' })).toBe('day');
    expect(trendInterval({ from: '2026-09-01', to: '2026-11-30' })).toBe('week');
    expect(trendInterval({ from: '2025-12-01', to: '2026-11-30' })).toBe('month');
  });
});

describe('heatmap cells', () => {
  const luminance = (rgb: string) => {
    const [r, g, b] = rgb.match(/\d+/g)!.map((v) => {
      const x = Number(v) / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  it('get darker as the share grows, with text at WCAG AA contrast (4.5:1) on every shade', () => {
    let last = 2;
    for (let share = 0; share <= 1.0001; share += 0.01) {
      const { background, color } = cellColours(share);
      const bg = luminance(background);
      expect(bg).toBeLessThanOrEqual(last);
      last = bg;
      const text = color === '#fff' ? 1 : 0;
      const contrast = (Math.max(bg, text) + 0.05) / (Math.min(bg, text) + 0.05);
      expect(contrast, `share ${share.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
