// The Analytics page's trend charts, in a chunk of their own (Polaris Viz is
// heavy): net sales, orders, new customers and customers of members against
// non-members, by day, week or month. Lines, not columns: Polaris Viz drops
// every x-axis label of a column chart once a period is narrower than ~30 px
// (14 weeks in half the page), while a line chart shows every few. Each chart has its figures as a table
// for screen readers (Charts.tsx).
import { BlockStack, Card, InlineGrid, Text } from '@shopify/polaris';
import { ChartsProvider, TrendChart, type Series } from '../Charts';
import { useI18n } from '../../providers/I18nProvider';
import type { TrendFigures, Trends } from './types';

export default function AnalyticsCharts({ trends, money }: { trends: Trends; money(minor: number): string }) {
  const { t, locale } = useI18n();
  // Short labels that fit under a bar ("Sep 1", "Sep 26"): the period's first day, or its month.
  const label = new Intl.DateTimeFormat(
    locale,
    trends.interval === 'month'
      ? { month: 'short', year: '2-digit', timeZone: 'UTC' }
      : { month: 'short', day: 'numeric', timeZone: 'UTC' },
  );
  const key = (start: string) => label.format(new Date(`${start.slice(0, 10)}T00:00:00Z`));
  const series = (figure: keyof TrendFigures): Series[] => [
    { name: t('Analytics.members'), data: trends.points.map((p) => ({ key: key(p.start), value: p.members[figure] })) },
    { name: t('Analytics.nonMembers'), data: trends.points.map((p) => ({ key: key(p.start), value: p.nonMembers[figure] })) },
  ];
  const interval = t(`Analytics.interval.${trends.interval}`);
  const chart = (title: string, body: JSX.Element) => (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="050">
          <Text as="h3" variant="headingSm">
            {title}
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            {interval}
          </Text>
        </BlockStack>
        {body}
      </BlockStack>
    </Card>
  );
  return (
    <ChartsProvider>
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        {chart(
          t('Analytics.netSalesChart'),
          <TrendChart
            caption={t('Analytics.netSalesChart')}
            emptyText={t('Analytics.noChartData')}
            format={money}
            series={series('netSalesMinor')}
          />,
        )}
        {chart(
          t('Analytics.ordersChart'),
          <TrendChart integersOnly caption={t('Analytics.ordersChart')} emptyText={t('Analytics.noChartData')} series={series('orders')} />,
        )}
        {chart(
          t('Analytics.newCustomersChart'),
          <TrendChart
            integersOnly
            caption={t('Analytics.newCustomersChart')}
            emptyText={t('Analytics.noChartData')}
            series={series('newCustomers')}
          />,
        )}
        {chart(
          t('Analytics.customersChart'),
          <TrendChart
            integersOnly
            caption={t('Analytics.customersChart')}
            emptyText={t('Analytics.noChartData')}
            series={series('customers')}
          />,
        )}
      </InlineGrid>
    </ChartsProvider>
  );
}
