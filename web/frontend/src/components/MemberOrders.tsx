// The member page's purchases: their figures (lifetime value, average order
// value, orders, days since the last order, days between orders; "—" where
// there is nothing to compute from) and their orders, newest first, with the
// shop-local date, net sales, points earned and the Tally reward used.
import { useMemo } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Badge, BlockStack, Button, Card, DataTable, InlineGrid, Text } from '@shopify/polaris';
import { apiGet } from '../api';
import { ApiErrorBanner } from './ApiErrorBanner';
import { StatFigure } from './StatFigure';
import { currencyDigits } from '../../../loyalty/domain/money';
import type { MemberFigures, MemberOrder } from '../../../loyalty/member-orders';
import { formatMoney, keys } from '../queries';
import { useI18n } from '../providers/I18nProvider';

type Figures = Omit<MemberFigures, 'firstOrderAt' | 'lastOrderAt'>;
type Order = MemberOrder<string>;

const pad = { padding: '0 var(--p-space-400) var(--p-space-400)' };

export function MemberOrders({ memberId }: { memberId: string }) {
  const { t, locale, formatNumber } = useI18n();
  const figures = useQuery({
    queryKey: [...keys.members, 'figures', memberId],
    queryFn: ({ signal }) => apiGet<{ figures: Figures }>(`/api/admin/members/${encodeURIComponent(memberId)}/figures`, { signal }),
  });
  const orders = useInfiniteQuery({
    queryKey: [...keys.members, 'orders', memberId],
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) =>
      apiGet<{ orders: Order[]; nextCursor: string | null }>(
        `/api/admin/members/${encodeURIComponent(memberId)}/orders?limit=20${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  // The shop-local day as sent (YYYY-MM-DD), formatted without moving it to the browser's zone.
  const day = useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }), [locale]);
  const oneDecimal = useMemo(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }), [locale]);
  const currency = figures.data?.figures.currencyCode ?? null;
  const money = (minor: number | null) =>
    minor === null || currency === null ? undefined : formatMoney(locale, minor, currency, currencyDigits(currency));
  const f = figures.data?.figures;
  const list = orders.data?.pages.flatMap((p) => p.orders) ?? [];

  return (
    <Card padding="0">
      <BlockStack gap="300">
        <div style={{ padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
          <Text as="h2" variant="headingMd">
            {t('Member.purchases')}
          </Text>
        </div>
        {figures.isError ? (
          <div style={pad}>
            <ApiErrorBanner title={t('Member.ordersError')} error={figures.error} />
          </div>
        ) : (
          <div style={{ padding: '0 var(--p-space-400)' }} data-testid="member-figures">
            <InlineGrid columns={{ xs: 2, md: 3 }} gap="400">
              <StatFigure
                testId="member-ltv"
                label={t('Member.ltv')}
                value={f ? f.ltvMinor : null}
                display={money(f?.ltvMinor ?? null)}
                help={t('Member.ltvHelp')}
              />
              <StatFigure
                testId="member-aov"
                label={t('Member.aov')}
                value={f ? f.aovMinor : null}
                display={money(f?.aovMinor ?? null)}
                help={t('Member.aovHelp')}
              />
              <StatFigure
                testId="member-orders-count"
                label={t('Member.orderCount')}
                value={f ? f.orders : null}
                help={t('Member.orderCountHelp')}
              />
              <StatFigure
                testId="member-days-since"
                label={t('Member.daysSince')}
                value={f ? f.daysSinceLastOrder : null}
                help={t('Member.daysSinceHelp')}
              />
              <StatFigure
                testId="member-avg-gap"
                label={t('Member.avgGap')}
                value={f ? f.avgDaysBetweenOrders : null}
                display={f?.avgDaysBetweenOrders != null ? oneDecimal.format(f.avgDaysBetweenOrders) : undefined}
                help={t('Member.avgGapHelp')}
              />
            </InlineGrid>
          </div>
        )}
        {orders.isError ? (
          <div style={pad}>
            <ApiErrorBanner title={t('Member.ordersError')} error={orders.error} />
          </div>
        ) : orders.isPending ? (
          <div style={pad}>
            <Text as="p" tone="subdued">
              {t('Member.ordersLoading')}
            </Text>
          </div>
        ) : list.length ? (
          <div data-testid="member-orders" data-count={list.length}>
            <DataTable
              columnContentTypes={['text', 'text', 'numeric', 'numeric', 'text']}
              headings={[t('Member.date'), t('Member.order'), t('Member.netSales'), t('Member.pointsEarned'), t('Member.rewardUsed')]}
              rows={list.map((o) => [
                <span key={`d${o.orderId}`} style={{ whiteSpace: 'nowrap' }}>
                  {day.format(new Date(`${o.date}T00:00:00Z`))}
                </span>,
                o.name,
                money(o.netSalesMinor) ?? formatNumber(o.netSalesMinor),
                o.pointsPending ? (
                  <Badge key={`p${o.orderId}`} tone="attention">
                    {t('Member.pointsPending', { points: formatNumber(o.points) })}
                  </Badge>
                ) : (
                  formatNumber(o.points)
                ),
                o.rewards.length
                  ? o.rewards.map((r) => (r.code ? t('Member.rewardWithCode', { reward: r.name, code: r.code }) : r.name)).join(', ')
                  : '—',
              ])}
            />
            {orders.hasNextPage && (
              <div style={{ padding: 'var(--p-space-300) var(--p-space-400) var(--p-space-400)' }}>
                <Button onClick={() => void orders.fetchNextPage()} loading={orders.isFetchingNextPage}>
                  {t('Member.olderOrders')}
                </Button>
              </div>
            )}
          </div>
        ) : (
          <div style={pad} data-testid="member-no-orders">
            <Text as="p" tone="subdued">
              {t('Member.noOrders')}
            </Text>
          </div>
        )}
      </BlockStack>
    </Card>
  );
}
