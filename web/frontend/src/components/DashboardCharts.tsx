// The dashboard's three charts, in a chunk of their own (Polaris Viz is most
// of the dashboard's weight): the figures show first, the charts follow.
import { BlockStack, Card, InlineGrid, Text } from '@shopify/polaris';
import { ChartsProvider, ColumnChart, TrendChart } from './Charts';
import { useI18n } from '../providers/I18nProvider';

import type { DayFigures } from '../../../loyalty/analytics';

export type { DayFigures };

export default function DashboardCharts({ series, money }: { series: DayFigures[]; money(minor: number): string }) {
  const { t } = useI18n();
  const day = (key: Exclude<keyof DayFigures, 'date'>) => series.map((d) => ({ key: d.date, value: d[key] }));
  return (
    <ChartsProvider>
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t('Dashboard.pointsChart')}
            </Text>
            <TrendChart
              caption={t('Dashboard.pointsChart')}
              emptyText={t('Dashboard.noData')}
              series={[
                { name: t('Dashboard.pointsIssued'), data: day('pointsIssued') },
                { name: t('Dashboard.pointsRedeemed'), data: day('pointsRedeemed') },
              ]}
            />
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t('Dashboard.membersChart')}
            </Text>
            <ColumnChart
              caption={t('Dashboard.membersChart')}
              emptyText={t('Dashboard.noData')}
              series={[{ name: t('Dashboard.newMembers'), data: day('newMembers') }]}
            />
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t('Dashboard.revenueChart')}
            </Text>
            <TrendChart
              caption={t('Dashboard.revenueChart')}
              emptyText={t('Dashboard.noData')}
              format={money}
              series={[{ name: t('Dashboard.rewardRevenue'), data: day('rewardRevenueMinor') }]}
            />
          </BlockStack>
        </Card>
      </InlineGrid>
    </ChartsProvider>
  );
}
