// Analytics (issue 15): every purchase, retention, value and program figure
// of ../shared/METRICS.md for all customers, members and non-members, with the
// change against the previous period of equal length, trend charts, the
// cohort retention heatmap, members against non-members, and each tier.
// Every table can be saved as CSV. The figures come from the analytics API
// (web/routes/admin/analytics.ts), computed from Tally's own order records.
import { lazy, Suspense, type ReactNode } from 'react';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import {
  BlockStack,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Page,
  SkeletonBodyText,
  SkeletonDisplayText,
  SkeletonPage,
  Text,
} from '@shopify/polaris';
import { apiGet } from '../api';
import emptyStateImage from '../assets/empty-state.svg';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { DateRangePicker, useDayRange } from '../components/DateRangePicker';
import { CohortHeatmap } from '../components/analytics/CohortHeatmap';
import { CsvDownload, type CsvTable } from '../components/analytics/CsvDownload';
import { cohortMonths, previousRange, trendInterval, useAnalyticsFormat, type AnalyticsFormat } from '../components/analytics/format';
import { MetricTile } from '../components/analytics/MetricTile';
import { ScrollableTable } from '../components/analytics/ScrollableTable';
import {
  csvUnit,
  CUSTOMER_METRICS,
  metricText,
  PROGRAM_METRICS,
  PURCHASE_METRICS,
  RETENTION_METRICS,
  VALUE_METRICS,
  type CustomerMetricKey,
  type MetricDef,
} from '../components/analytics/metrics';
import { SEGMENTS, type Cohorts, type Summary, type Tiers, type Trends } from '../components/analytics/types';
import { useI18n } from '../providers/I18nProvider';

const AnalyticsCharts = lazy(() => import('../components/analytics/AnalyticsCharts'));

const KEY = ['admin', 'analytics'] as const;

function useAnalytics<T>(name: string, query: string, enabled = true): UseQueryResult<T> {
  return useQuery({
    queryKey: [...KEY, name, query],
    queryFn: ({ signal }) => apiGet<T>(`/api/admin/analytics/${name}?${query}`, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

function AnalyticsSkeleton() {
  return (
    <SkeletonPage primaryAction title="">
      <BlockStack gap="400">
        <InlineGrid columns={{ xs: 1, sm: 2, lg: 3 }} gap="400">
          {Array.from({ length: 6 }, (_, i) => (
            <Card key={i}>
              <BlockStack gap="300">
                <SkeletonDisplayText size="small" />
                <SkeletonBodyText lines={3} />
              </BlockStack>
            </Card>
          ))}
        </InlineGrid>
      </BlockStack>
    </SkeletonPage>
  );
}

function CardSkeleton({ lines = 6 }: { lines?: number }) {
  return (
    <Card>
      <SkeletonBodyText lines={lines} />
    </Card>
  );
}

/** A titled section with an optional CSV download beside its heading. */
function Section({ title, testId, csv, children }: { title: string; testId: string; csv?: ReactNode; children: ReactNode }) {
  return (
    <section data-testid={testId} aria-label={title}>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          {csv}
        </InlineStack>
        {children}
      </BlockStack>
    </section>
  );
}

function Tiles({
  defs,
  current,
  previous,
  format,
}: {
  defs: readonly MetricDef<CustomerMetricKey>[];
  current: Summary;
  previous: Summary | undefined;
  format: AnalyticsFormat;
}) {
  return (
    <InlineGrid columns={{ xs: 1, sm: 2, lg: 3 }} gap="400">
      {defs.map((def) => (
        <MetricTile
          key={def.key}
          def={def}
          format={format}
          windowDays={current.activityWindowDays}
          figures={SEGMENTS.map((segment) => ({ segment, value: current[segment][def.key], previous: previous?.[segment][def.key] }))}
        />
      ))}
    </InlineGrid>
  );
}

export default function Analytics() {
  const { t } = useI18n();
  const [range, setRange, ready] = useDayRange(90);
  const before = previousRange(range);
  const months = cohortMonths(range);
  const interval = trendInterval(range);

  const summary = useAnalytics<Summary>('summary', `from=${range.from}&to=${range.to}`, ready);
  const previous = useAnalytics<Summary>('summary', `from=${before.from}&to=${before.to}`, ready);
  const trends = useAnalytics<Trends>('trends', `from=${range.from}&to=${range.to}&interval=${interval}`, ready);
  const cohorts = useAnalytics<Cohorts>('cohorts', `from=${months.from}&to=${months.to}`, ready);
  const tiers = useAnalytics<Tiers>('tiers', `from=${range.from}&to=${range.to}`, ready);
  const format = useAnalyticsFormat(summary.data?.currencyCode ?? 'USD');

  if (summary.error) {
    return (
      <div data-testid="analytics" data-state="error">
        <Page title={t('Analytics.title')}>
          <ApiErrorBanner
            title={t('Analytics.errorTitle')}
            error={summary.error}
            onRetry={() => void summary.refetch()}
            retrying={summary.isFetching}
          />
        </Page>
      </div>
    );
  }
  if (!summary.data) {
    return (
      <div data-testid="analytics" data-state="loading" aria-busy="true">
        <AnalyticsSkeleton />
      </div>
    );
  }

  const current = summary.data;
  const prior = previous.data;
  const empty = current.all.orders === 0;
  const label = (key: Parameters<typeof metricText>[0]) => t(metricText(key).label);
  const segmentName = { all: t('Analytics.all'), members: t('Analytics.members'), nonMembers: t('Analytics.nonMembers') };
  const file = (name: string) => `${name}-${range.from}-${range.to}.csv`;

  const comparisonCsv = (): CsvTable => ({
    header: [t('Analytics.metric'), t('Analytics.unit'), ...SEGMENTS.map((s) => segmentName[s])],
    rows: CUSTOMER_METRICS.map((def) => [
      label(def.key),
      csvUnit(def.kind, current.currencyCode),
      ...SEGMENTS.map((s) => format.csv(def.kind, current[s][def.key])),
    ]),
  });
  const TIER_COLUMNS = CUSTOMER_METRICS.filter((d) =>
    [
      'customers',
      'orders',
      'netSalesMinor',
      'aovMinor',
      'purchaseFrequency',
      'repeatPurchaseRate',
      'retentionRate',
      'churnRate',
      'historicalLtvMinor',
      'predictedLtvMinor',
    ].includes(d.key),
  );
  const tiersCsv = (): CsvTable => ({
    header: [
      t('Analytics.tier'),
      t('Analytics.tierMembers'),
      ...CUSTOMER_METRICS.map((d) => `${label(d.key)} (${csvUnit(d.kind, current.currencyCode)})`),
    ],
    rows: (tiers.data?.tiers ?? []).map((tier) => [
      tier.tierId === null ? t('Analytics.noTier') : tier.name,
      tier.members,
      ...CUSTOMER_METRICS.map((d) => format.csv(d.kind, tier.metrics[d.key])),
    ]),
  });
  const cohortWidth = Math.max(0, ...(cohorts.data?.cohorts ?? []).map((c) => c.retention.length));
  const cohortsCsv = (): CsvTable => ({
    header: [
      t('Analytics.cohortMonth'),
      t('Analytics.cohortCustomers'),
      ...Array.from({ length: cohortWidth }, (_, k) => t('Analytics.cohortOffset', { n: k })),
    ],
    rows: (cohorts.data?.cohorts ?? []).map((c) => [c.month, c.customers, ...c.retention]),
  });
  const FIGURES = ['orders', 'netSalesMinor', 'customers', 'newCustomers'] as const;
  const figureLabel = {
    orders: label('orders'),
    netSalesMinor: label('netSalesMinor'),
    customers: label('customers'),
    newCustomers: label('newCustomers'),
  };
  const trendsCsv = (): CsvTable => ({
    header: [
      t('Analytics.periodStart'),
      ...SEGMENTS.flatMap((s) =>
        FIGURES.map((f) => `${segmentName[s]}: ${figureLabel[f]}${f === 'netSalesMinor' ? ` (${current.currencyCode})` : ''}`),
      ),
    ],
    rows: (trends.data?.points ?? []).map((p) => [
      p.start,
      ...SEGMENTS.flatMap((s) => FIGURES.map((f) => (f === 'netSalesMinor' ? format.csv('money', p[s][f]) : p[s][f]))),
    ]),
  });

  const sectionError = (query: UseQueryResult<unknown>) =>
    query.error ? (
      <ApiErrorBanner
        title={t('Analytics.errorTitle')}
        error={query.error}
        onRetry={() => void query.refetch()}
        retrying={query.isFetching}
      />
    ) : null;

  return (
    <div data-testid="analytics" data-state={summary.isFetching || previous.isFetching ? 'refreshing' : 'ready'}>
      <Page
        title={t('Analytics.title')}
        subtitle={t('Analytics.subtitle', { from: before.from, to: before.to })}
        primaryAction={<DateRangePicker value={range} onChange={setRange} />}
      >
        <BlockStack gap="600">
          {previous.error ? sectionError(previous) : null}
          {empty ? (
            <div data-testid="analytics-empty">
              <Card>
                <EmptyState heading={t('Analytics.emptyTitle')} image={emptyStateImage}>
                  <p>{t('Analytics.emptyBody')}</p>
                </EmptyState>
              </Card>
            </div>
          ) : (
            <>
              <Section title={t('Analytics.purchaseHeading')} testId="purchase-metrics">
                <Tiles defs={PURCHASE_METRICS} current={current} previous={prior} format={format} />
              </Section>
              <Section title={t('Analytics.retentionHeading')} testId="retention-metrics">
                <Tiles defs={RETENTION_METRICS} current={current} previous={prior} format={format} />
              </Section>
              <Section title={t('Analytics.valueHeading')} testId="value-metrics">
                <Tiles defs={VALUE_METRICS} current={current} previous={prior} format={format} />
              </Section>
            </>
          )}
          <Section title={t('Analytics.programHeading')} testId="program-metrics">
            <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
              {PROGRAM_METRICS.map((def) => (
                <MetricTile
                  key={def.key}
                  def={def}
                  format={format}
                  windowDays={current.activityWindowDays}
                  figures={[{ segment: 'program', value: current.program[def.key], previous: prior?.program[def.key] }]}
                />
              ))}
            </InlineGrid>
          </Section>
          {empty ? null : (
            <>
              <Section
                title={t('Analytics.trendsHeading')}
                testId="trends"
                csv={
                  trends.data ? (
                    <CsvDownload testId="trends-csv" filename={file('trends')} label={t('Analytics.trendsHeading')} table={trendsCsv} />
                  ) : null
                }
              >
                {sectionError(trends)}
                {trends.data ? (
                  <Suspense fallback={<CardSkeleton lines={10} />}>
                    <AnalyticsCharts trends={trends.data} money={format.money} />
                  </Suspense>
                ) : trends.error ? null : (
                  <CardSkeleton lines={10} />
                )}
              </Section>
              <Section
                title={t('Analytics.cohortHeading')}
                testId="cohorts"
                csv={
                  cohorts.data?.cohorts.length ? (
                    <CsvDownload testId="cohorts-csv" filename={file('cohorts')} label={t('Analytics.cohortHeading')} table={cohortsCsv} />
                  ) : null
                }
              >
                {sectionError(cohorts)}
                {cohorts.data ? (
                  <Card>
                    {cohorts.data.cohorts.length ? (
                      <CohortHeatmap cohorts={cohorts.data.cohorts} percent={format.percent} />
                    ) : (
                      <Text as="p" tone="subdued">
                        {t('Analytics.cohortEmpty')}
                      </Text>
                    )}
                  </Card>
                ) : cohorts.error ? null : (
                  <CardSkeleton />
                )}
              </Section>
              <Section
                title={t('Analytics.comparisonHeading')}
                testId="comparison"
                csv={
                  <CsvDownload
                    testId="comparison-csv"
                    filename={file('members-vs-non-members')}
                    label={t('Analytics.comparisonHeading')}
                    table={comparisonCsv}
                  />
                }
              >
                <Card padding="0">
                  <ScrollableTable testId="comparison-table" label={t('Analytics.comparisonHeading')}>
                    <DataTable
                      columnContentTypes={['text', 'numeric', 'numeric', 'numeric']}
                      headings={[t('Analytics.metric'), segmentName.all, segmentName.members, segmentName.nonMembers]}
                      rows={CUSTOMER_METRICS.map((def) => [
                        label(def.key),
                        ...SEGMENTS.map((s) => format.value(def.kind, current[s][def.key])),
                      ])}
                    />
                  </ScrollableTable>
                </Card>
              </Section>
              <Section
                title={t('Analytics.tiersHeading')}
                testId="tiers"
                csv={
                  tiers.data?.tiers.length ? (
                    <CsvDownload testId="tiers-csv" filename={file('tiers')} label={t('Analytics.tiersHeading')} table={tiersCsv} />
                  ) : null
                }
              >
                {sectionError(tiers)}
                {tiers.data ? (
                  <Card padding="0">
                    {tiers.data.tiers.length ? (
                      <ScrollableTable testId="tiers-table" label={t('Analytics.tiersHeading')}>
                        <DataTable
                          columnContentTypes={['text', 'numeric', ...TIER_COLUMNS.map(() => 'numeric' as const)]}
                          headings={[t('Analytics.tier'), t('Analytics.tierMembers'), ...TIER_COLUMNS.map((d) => label(d.key))]}
                          rows={tiers.data.tiers.map((tier) => [
                            tier.tierId === null ? t('Analytics.noTier') : tier.name,
                            format.value('count', tier.members),
                            ...TIER_COLUMNS.map((d) => format.value(d.kind, tier.metrics[d.key])),
                          ])}
                        />
                      </ScrollableTable>
                    ) : (
                      <div style={{ padding: 16 }}>
                        <Text as="p" tone="subdued">
                          {t('Analytics.tiersEmpty')}
                        </Text>
                      </div>
                    )}
                  </Card>
                ) : tiers.error ? null : (
                  <CardSkeleton />
                )}
              </Section>
            </>
          )}
          <InlineStack align="end">
            <Text as="p" variant="bodySm" tone="subdued">
              {t('Analytics.footnote', { currency: current.currencyCode, days: current.activityWindowDays })}
            </Text>
          </InlineStack>
        </BlockStack>
      </Page>
    </div>
  );
}
