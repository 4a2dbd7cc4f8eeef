// The program's results for a date range: members, points issued / redeemed /
// expired / outstanding and their value, redemption rate, revenue from orders
// that used a reward, repeat purchase rate of members against guests, and
// charts by day. A shop without a program is sent to onboarding.
import { lazy, Suspense, useEffect } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Banner,
  BlockStack,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  SkeletonBodyText,
  SkeletonDisplayText,
  SkeletonPage,
  Text,
} from '@shopify/polaris';
import { apiGet } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { DateRangePicker, useDayRange } from '../components/DateRangePicker';
import { StatFigure } from '../components/StatFigure';
import { FeedbackTiles } from '../components/feedback/FeedbackTiles';
import { currencyDigits } from '../../../loyalty/domain/money';
import { formatMoney, keys, useProgram } from '../queries';
import { useI18n } from '../providers/I18nProvider';
import { useRouter } from '../router';
import { themeEditorUrl } from '../widget-embed';
import type { DayFigures } from '../components/DashboardCharts';

const DashboardCharts = lazy(() => import('../components/DashboardCharts'));

interface DashboardData {
  currencyCode: string;
  totals: {
    members: number;
    newMembers: number;
    pointsIssued: number;
    pointsRedeemed: number;
    pointsExpired: number;
    pointsOutstanding: number;
    liabilityMinor: number | null;
    redemptions: number;
    redemptionRate: number | null;
    rewardRevenueMinor: number;
    rewardOrders: number;
    repeatRate: { members: number | null; guests: number | null };
    donations: { totalMinor: number; byCause: Array<{ cause: string; totalMinor: number; count: number }> };
    cashbackMinor: number;
  };
  series: DayFigures[];
  attention: { storeCreditReviews: number };
}

function DashboardSkeleton() {
  return (
    <SkeletonPage primaryAction={false}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <SkeletonDisplayText size="small" />
              <SkeletonBodyText lines={3} />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

export default function Dashboard() {
  const { t, locale } = useI18n();
  const { navigate } = useRouter();
  const [range, setRange] = useDayRange(30);
  const program = useProgram();
  const query = useQuery({
    queryKey: [...keys.dashboard, range],
    queryFn: ({ signal }) => apiGet<DashboardData>(`/api/admin/dashboard?from=${range.from}&to=${range.to}`, { signal }),
    enabled: Boolean(program.data?.program),
    placeholderData: keepPreviousData,
  });

  const noProgram = program.data && program.data.program === null;
  useEffect(() => {
    if (noProgram) navigate('/onboarding', { replace: true });
  }, [noProgram, navigate]);

  const error = program.error ?? query.error;
  if (error) {
    return (
      <div data-testid="dashboard" data-state="error">
        <Page title={t('Dashboard.defaultTitle')}>
          <ApiErrorBanner
            title={t('Dashboard.errorTitle')}
            error={error}
            onRetry={() => void (program.isError ? program.refetch() : query.refetch())}
            retrying={query.isFetching}
          />
        </Page>
      </div>
    );
  }
  if (!program.data?.program || !query.data) {
    return (
      <div data-testid="dashboard" data-state="loading" aria-busy="true">
        <DashboardSkeleton />
      </div>
    );
  }

  const { shop } = program.data;
  const { totals, series, currencyCode } = query.data;
  const digits = currencyDigits(currencyCode);
  const money = (minor: number) => formatMoney(locale, minor, currencyCode, digits);
  const percent = (rate: number | null) =>
    rate === null ? undefined : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
  const pct = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

  return (
    <div data-testid="dashboard" data-state={query.isFetching ? 'refreshing' : 'ready'}>
      <Page
        title={program.data.program.name}
        subtitle={t('Dashboard.subtitle', { shopName: shop.name, domain: shop.domain })}
        primaryAction={<DateRangePicker value={range} onChange={setRange} />}
      >
        <BlockStack gap="400">
          {query.data.attention.storeCreditReviews > 0 ? (
            <div data-testid="store-credit-reviews">
              <Banner
                tone="warning"
                title={t('Dashboard.reviewsTitle', { count: query.data.attention.storeCreditReviews })}
                action={{ content: t('Dashboard.reviewsAction'), url: '/redemptions' }}
              >
                <p>{t('Dashboard.reviewsBody')}</p>
              </Banner>
            </div>
          ) : null}
          {program.data.program.onboardedAt === null ? (
            <div data-testid="finish-onboarding">
              <Banner
                tone="info"
                title={t('Dashboard.finishSetupTitle')}
                action={{ content: t('Dashboard.finishSetupAction'), url: '/onboarding' }}
              >
                <p>{t('Dashboard.finishSetupBody')}</p>
              </Banner>
            </div>
          ) : null}
          {program.data.program.onboardedAt !== null && program.data.program.embedSeenAt === null ? (
            // Until the storefront widget first asks Tally for a shopper, no customer sees the program.
            <div data-testid="embed-off">
              <Banner
                tone="warning"
                title={t('Dashboard.embedOffTitle')}
                action={{ content: t('Onboarding.openThemeEditor'), url: themeEditorUrl(shop.domain), external: true }}
              >
                <p>{t('Dashboard.embedOffBody')}</p>
              </Banner>
            </div>
          ) : null}
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t('Dashboard.statsHeading')}
              </Text>
              <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
                <StatFigure
                  testId="stat-members"
                  label={t('Dashboard.members')}
                  value={totals.members}
                  help={t('Dashboard.newMembersHelp', { count: totals.newMembers })}
                />
                <StatFigure
                  testId="stat-points-issued"
                  label={t('Dashboard.pointsIssued')}
                  value={totals.pointsIssued}
                  help={t('Dashboard.pointsIssuedHelp')}
                />
                <StatFigure
                  testId="stat-points-redeemed"
                  label={t('Dashboard.pointsRedeemed')}
                  value={totals.pointsRedeemed}
                  help={t('Dashboard.pointsRedeemedHelp', { count: totals.redemptions })}
                />
                <StatFigure
                  testId="stat-points-expired"
                  label={t('Dashboard.pointsExpired')}
                  value={totals.pointsExpired}
                  help={t('Dashboard.pointsExpiredHelp')}
                />
                <StatFigure
                  testId="stat-points-outstanding"
                  label={t('Dashboard.pointsOutstanding')}
                  value={totals.pointsOutstanding}
                  help={t('Dashboard.pointsOutstandingHelp')}
                />
                <StatFigure
                  testId="stat-liability"
                  label={t('Dashboard.liability')}
                  value={totals.liabilityMinor}
                  display={totals.liabilityMinor === null ? undefined : money(totals.liabilityMinor)}
                  help={t('Dashboard.liabilityHelp')}
                />
                <StatFigure
                  testId="stat-redemption-rate"
                  label={t('Dashboard.redemptionRate')}
                  value={pct(totals.redemptionRate)}
                  display={percent(totals.redemptionRate)}
                  help={t('Dashboard.redemptionRateHelp')}
                />
                <StatFigure
                  testId="stat-reward-revenue"
                  label={t('Dashboard.rewardRevenue')}
                  value={totals.rewardRevenueMinor}
                  display={money(totals.rewardRevenueMinor)}
                  help={t('Dashboard.rewardRevenueHelp', { count: totals.rewardOrders })}
                />
                <StatFigure
                  testId="stat-donations"
                  label={t('Dashboard.donations')}
                  value={totals.donations.totalMinor}
                  display={money(totals.donations.totalMinor)}
                  help={
                    totals.donations.byCause.length
                      ? totals.donations.byCause.map((c) => `${c.cause}: ${money(c.totalMinor)}`).join(' · ')
                      : t('Dashboard.donationsHelp')
                  }
                />
                <StatFigure
                  testId="stat-cashback"
                  label={t('Dashboard.cashback')}
                  value={totals.cashbackMinor}
                  display={money(totals.cashbackMinor)}
                  help={t('Dashboard.cashbackHelp')}
                />
              </InlineGrid>
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t('Dashboard.repeatHeading')}
              </Text>
              <InlineGrid columns={{ xs: 1, sm: 2 }} gap="400">
                <StatFigure
                  testId="stat-repeat-members"
                  label={t('Dashboard.repeatMembers')}
                  value={pct(totals.repeatRate.members)}
                  display={percent(totals.repeatRate.members)}
                  help={t('Dashboard.repeatMembersHelp')}
                />
                <StatFigure
                  testId="stat-repeat-guests"
                  label={t('Dashboard.repeatGuests')}
                  value={pct(totals.repeatRate.guests)}
                  display={percent(totals.repeatRate.guests)}
                  help={t('Dashboard.repeatGuestsHelp')}
                />
              </InlineGrid>
            </BlockStack>
          </Card>
          <FeedbackTiles range={range} />
          <Suspense
            fallback={
              <Card>
                <SkeletonBodyText lines={8} />
              </Card>
            }
          >
            <DashboardCharts series={series} money={money} />
          </Suspense>
          <InlineStack align="end">
            <div data-testid="shop-currency">
              <Text as="p" variant="bodySm" tone="subdued">
                {t('Dashboard.currency', { currency: shop.currencyCode })} · {t('Dashboard.timeZone', { zone: shop.ianaTimezone })}
              </Text>
            </div>
          </InlineStack>
        </BlockStack>
      </Page>
    </div>
  );
}
