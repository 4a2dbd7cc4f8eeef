// Charts of the dashboard, drawn with Shopify's Polaris Viz (the charts of
// Shopify's own analytics, made for Polaris; SVG, React 18). Its SVG markup
// fails axe's ARIA checks (role="table" without rows, unlabelled points), so
// the drawing is hidden from assistive technology and the same figures are
// given to it as a table.
import '@shopify/polaris-viz/build/esm/styles.css';
import { BarChart, createTheme, LineChart, PolarisVizLightTheme, PolarisVizProvider } from '@shopify/polaris-viz';
import type { ReactNode } from 'react';

export interface Series {
  name: string;
  data: { key: string; value: number }[];
}

// Straight lines: a spline overshoots between days and draws points below zero.
const THEMES = { Tally: createTheme({ line: { ...PolarisVizLightTheme.line, hasSpline: false } }, PolarisVizLightTheme) };

export function ChartsProvider({ children }: { children: ReactNode }) {
  return (
    <PolarisVizProvider themes={THEMES} defaultTheme="Tally">
      {children}
    </PolarisVizProvider>
  );
}

/** The chart's figures for screen readers: one row per day with a value. */
function DataTable({ caption, series, format }: { caption: string; series: Series[]; format: (n: number) => string }) {
  const days =
    series[0]?.data
      .map((d, i) => ({ key: d.key, values: series.map((s) => s.data[i]?.value ?? 0) }))
      .filter((d) => d.values.some((v) => v !== 0)) ?? [];
  return (
    <table className="Polaris-Text--visuallyHidden">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{caption}</th>
          {series.map((s) => (
            <th key={s.name} scope="col">
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {days.map((d) => (
          <tr key={d.key}>
            <th scope="row">{d.key}</th>
            {d.values.map((v, i) => (
              <td key={i}>{format(v)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Chart({
  caption,
  series,
  format,
  children,
}: {
  caption: string;
  series: Series[];
  format?: (n: number) => string;
  children: ReactNode;
}) {
  return (
    <>
      {/* inert: the legend's buttons must not be reachable inside a hidden drawing (React 18 has no inert prop). */}
      <div style={{ height: 260 }} aria-hidden="true" data-testid="chart" ref={(el) => el?.setAttribute('inert', '')}>
        {children}
      </div>
      <DataTable caption={caption} series={series} format={format ?? String} />
    </>
  );
}

export function TrendChart({
  caption,
  series,
  emptyText,
  format,
  integersOnly = false,
}: {
  caption: string;
  series: Series[];
  emptyText: string;
  format?: (n: number) => string;
  /** Counts: no 0.5 on the axis. */
  integersOnly?: boolean;
}) {
  const yAxisOptions = {
    integersOnly,
    ...(format ? { labelFormatter: (v: string | number | null) => format(Number(v ?? 0)) } : {}),
  };
  return (
    <Chart caption={caption} series={series} format={format}>
      <LineChart data={series} emptyStateText={emptyText} theme="Tally" yAxisOptions={yAxisOptions} />
    </Chart>
  );
}

export function ColumnChart({ caption, series, emptyText }: { caption: string; series: Series[]; emptyText: string }) {
  return (
    <Chart caption={caption} series={series}>
      <BarChart data={series} emptyStateText={emptyText} theme="Tally" />
    </Chart>
  );
}
