import { useQuery } from '@tanstack/react-query';
import {
  Banner,
  BlockStack,
  Card,
  InlineGrid,
  Layout,
  Page,
  SkeletonBodyText,
  SkeletonDisplayText,
  SkeletonPage,
  Text,
} from '@shopify/polaris';
import { apiGet, isAdminShopResponse, type AdminShopResponse } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { StatFigure } from '../components/StatFigure';
import { useI18n } from '../providers/I18nProvider';

const SHOP_QUERY_KEY = ['admin', 'shop'] as const;

function DashboardSkeleton() {
  return (
    <SkeletonPage primaryAction={false}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <SkeletonDisplayText size="small" />
              <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
                {[0, 1, 2].map((i) => (
                  <BlockStack key={i} gap="200">
                    <SkeletonBodyText lines={1} />
                    <SkeletonDisplayText size="large" />
                    <SkeletonBodyText lines={1} />
                  </BlockStack>
                ))}
              </InlineGrid>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

export default function Dashboard() {
  const { t } = useI18n();
  const query = useQuery({
    queryKey: SHOP_QUERY_KEY,
    queryFn: ({ signal }) =>
      apiGet<AdminShopResponse>('/api/admin/shop', { signal, validate: isAdminShopResponse }),
  });

  if (query.isPending) {
    return (
      <div data-testid="dashboard" data-state="loading" aria-busy="true">
        <DashboardSkeleton />
      </div>
    );
  }

  if (query.isError) {
    return (
      <div data-testid="dashboard" data-state="error">
        <Page title={t('Dashboard.defaultTitle')}>
          <ApiErrorBanner
            title={t('Dashboard.errorTitle')}
            error={query.error}
            onRetry={() => void query.refetch()}
            retrying={query.isFetching}
          />
        </Page>
      </div>
    );
  }

  const { shop, program, stats } = query.data;
  return (
    <div data-testid="dashboard" data-state="ready">
      <Page
        title={program?.name ?? t('Dashboard.defaultTitle')}
        subtitle={t('Dashboard.subtitle', { shopName: shop.name, domain: shop.domain })}
      >
        <BlockStack gap="400">
          {program === null ? (
            <div data-testid="no-program">
              <Banner
                tone="warning"
                title={t('Dashboard.noProgramTitle')}
                action={{ content: t('Dashboard.noProgramAction'), url: '/settings' }}
              >
                <p>{t('Dashboard.noProgramBody')}</p>
              </Banner>
            </div>
          ) : null}
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t('Dashboard.statsHeading')}
              </Text>
              <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
                <StatFigure
                  testId="stat-members"
                  label={t('Dashboard.members')}
                  value={stats.members}
                  help={t('Dashboard.membersHelp')}
                />
                <StatFigure
                  testId="stat-points-outstanding"
                  label={t('Dashboard.pointsOutstanding')}
                  value={stats.pointsOutstanding}
                  help={t('Dashboard.pointsOutstandingHelp')}
                />
                <StatFigure
                  testId="stat-webhooks-received"
                  label={t('Dashboard.webhooksReceived')}
                  value={stats.webhooksReceived}
                  help={t('Dashboard.webhooksReceivedHelp')}
                />
              </InlineGrid>
              <div data-testid="shop-currency">
                <Text as="p" variant="bodySm" tone="subdued">
                  {t('Dashboard.currency', { currency: shop.currencyCode })}
                </Text>
              </div>
            </BlockStack>
          </Card>
        </BlockStack>
      </Page>
    </div>
  );
}
