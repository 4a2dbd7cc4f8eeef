// Every redemption in the shop: what was redeemed, by whom, its status
// (pending while Shopify is busy, issued, used, failed with the points
// returned, expired) and the order that used it.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Badge, Card, DataTable, EmptyState, Page, Select, SkeletonBodyText, Text } from '@shopify/polaris';
import emptyStateImage from '../assets/empty-state.svg';
import { apiGet } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import type { MessageKey } from '../i18n';
import { RouterLink } from '../router';
import { useI18n } from '../providers/I18nProvider';

const STATUSES = ['PENDING', 'ISSUED', 'USED', 'FAILED', 'EXPIRED'] as const;
type Status = (typeof STATUSES)[number];

interface RedemptionRow {
  id: string;
  status: Status;
  points: number;
  valueMinor: number;
  currencyCode: string;
  code: string | null;
  error: string | null;
  createdAt: string;
  memberId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  rewardName: string;
  orderName: string | null;
}

const TONE: Partial<Record<Status, 'success' | 'attention' | 'critical' | 'info'>> = { ISSUED: 'info', USED: 'success', PENDING: 'attention', FAILED: 'critical' };

export default function Redemptions() {
  const { t, locale } = useI18n();
  const [status, setStatus] = useState<'' | Status>('');
  const query = useQuery({
    queryKey: ['redemptions', status],
    queryFn: ({ signal }) => apiGet<{ redemptions: RedemptionRow[] }>(`/api/admin/redemptions${status ? `?status=${status}` : ''}`, { signal }),
  });
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const money = (r: RedemptionRow) => new Intl.NumberFormat(locale, { style: 'currency', currency: r.currencyCode }).format(r.valueMinor / 100);
  const rows = (query.data?.redemptions ?? []).map((r) => [
    when.format(new Date(r.createdAt)),
    <RouterLink key={`m${r.id}`} url={`/members/${r.memberId}`}>{[r.firstName, r.lastName].filter(Boolean).join(' ') || r.email || r.memberId}</RouterLink>,
    r.rewardName,
    r.points,
    money(r),
    <Badge key={`s${r.id}`} tone={TONE[r.status]}>{t(`Redemptions.status${r.status}` as MessageKey)}</Badge>,
    r.code ?? '—',
    r.orderName ?? '—',
  ]);
  return (
    <Page title={t('Redemptions.title')} subtitle={t('Redemptions.subtitle')}>
      <Card>
        <Select
          label={t('Redemptions.filter')}
          options={[{ label: t('Redemptions.all'), value: '' }, ...STATUSES.map((s) => ({ label: t(`Redemptions.status${s}` as MessageKey), value: s }))]}
          value={status}
          onChange={(v) => setStatus(v as '' | Status)}
        />
        {query.isError ? <ApiErrorBanner title={t('Redemptions.error')} error={query.error} onRetry={() => void query.refetch()} /> : null}
        {query.isPending ? <SkeletonBodyText lines={6} /> : null}
        {query.data && rows.length === 0 ? (
          <EmptyState heading={t('Redemptions.emptyHeading')} image={emptyStateImage}>
            <Text as="p">{t('Redemptions.emptyBody')}</Text>
          </EmptyState>
        ) : null}
        {rows.length > 0 ? (
          <div data-testid="redemption-list">
            <DataTable
              columnContentTypes={['text', 'text', 'text', 'numeric', 'numeric', 'text', 'text', 'text']}
              headings={[t('Redemptions.date'), t('Redemptions.member'), t('Redemptions.reward'), t('Redemptions.points'), t('Redemptions.value'), t('Redemptions.status'), t('Redemptions.code'), t('Redemptions.order')]}
              rows={rows}
            />
          </div>
        ) : null}
      </Card>
    </Page>
  );
}
