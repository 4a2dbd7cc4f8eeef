// Every redemption in the shop: what was redeemed, by whom, its status
// (pending while Shopify is busy, issued, used, failed with the points
// returned, expired) and the order that used it; the store credit refunds
// took back from cashback. Store credit whose Shopify answer was lost waits
// here for the admin to say what Shopify shows.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  ButtonGroup,
  Card,
  DataTable,
  EmptyState,
  Link,
  Page,
  Select,
  SkeletonBodyText,
  Text,
} from '@shopify/polaris';
import emptyStateImage from '../assets/empty-state.svg';
import { apiGet, apiSend } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';
import { currencyDigits } from '../../../loyalty/domain/money';
import { localiseNote } from '../forms/messages';
import { REDEMPTION_STATUSES, RedemptionStatusBadge, type RedemptionStatus } from '../components/RedemptionStatus';

const STATUSES = REDEMPTION_STATUSES;
type Status = RedemptionStatus;

interface Person {
  memberId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

interface RedemptionRow extends Person {
  id: string;
  status: Status;
  points: number;
  valueMinor: number;
  currencyCode: string;
  code: string | null;
  error: string | null;
  createdAt: string;
  rewardName: string;
  orderName: string | null;
}

interface DebitRow extends Person {
  id: string;
  status: 'PENDING' | 'DONE' | 'FAILED' | 'NEEDS_REVIEW';
  amountMinor: number;
  debitedMinor: number | null;
  currencyCode: string;
  error: string | null;
  createdAt: string;
  orderName: string | null;
}

const KEY = ['redemptions'] as const;

function useFormats() {
  const { locale } = useI18n();
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const money = (minor: number, currency: string) =>
    new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** currencyDigits(currency));
  return { when, money };
}

/** The member's name leads to their page: Polaris' link in the table's text colour, without the browser's underline. */
const personLink = (p: Person & { id: string }) => (
  <span key={`m${p.id}`} data-testid="member-link">
    <Link url={`/members/${p.memberId}`} monochrome removeUnderline>
      <Text as="span" fontWeight="semibold">
        {[p.firstName, p.lastName].filter(Boolean).join(' ') || p.email || p.memberId}
      </Text>
    </Link>
  </span>
);

/** The admin's answer for a record held for review: what Shopify shows. */
function ReviewButtons({ path, outcomes }: { path: string; outcomes: Array<{ outcome: string; label: string }> }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const review = useMutation({
    mutationFn: (outcome: string) => apiSend('POST', path, { outcome }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: KEY }),
  });
  return (
    <BlockStack gap="100">
      <ButtonGroup>
        {outcomes.map((o) => (
          <Button
            key={o.outcome}
            size="slim"
            onClick={() => review.mutate(o.outcome)}
            loading={review.isPending && review.variables === o.outcome}
          >
            {o.label}
          </Button>
        ))}
      </ButtonGroup>
      {review.isError ? (
        <Text as="p" tone="critical">
          {t('Redemptions.reviewError')}
        </Text>
      ) : null}
    </BlockStack>
  );
}

function StoreCreditTakenBack() {
  const { t } = useI18n();
  const { when, money } = useFormats();
  const query = useQuery({
    queryKey: [...KEY, 'debits'],
    queryFn: ({ signal }) => apiGet<{ debits: DebitRow[] }>('/api/admin/store-credit-debits', { signal }),
  });
  const debits = query.data?.debits ?? [];
  const rows = debits.map((d) => {
    const review = d.status === 'NEEDS_REVIEW';
    return [
      when.format(new Date(d.createdAt)),
      personLink(d),
      d.orderName ?? '—',
      money(d.amountMinor, d.currencyCode),
      d.debitedMinor === null || review ? '—' : money(d.debitedMinor, d.currencyCode),
      <Badge
        key={`s${d.id}`}
        tone={review ? 'warning' : d.status === 'DONE' ? 'success' : d.status === 'FAILED' ? 'critical' : 'attention'}
      >
        {review ? t('Redemptions.debitNeedsReview') : t(`Redemptions.debitStatus${d.status}` as MessageKey)}
      </Badge>,
      review ? (
        <ReviewButtons
          key={`r${d.id}`}
          path={`/api/admin/store-credit-debits/${d.id}/review`}
          outcomes={[
            { outcome: 'debited', label: t('Redemptions.reviewDebited') },
            { outcome: 'retry', label: t('Redemptions.reviewRetry') },
            { outcome: 'cancel', label: t('Redemptions.reviewCancel') },
          ]}
        />
      ) : (
        localiseNote(d.error ?? '', t)
      ),
    ];
  });
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t('Redemptions.debitsHeading')}
        </Text>
        <Text as="p" tone="subdued">
          {t('Redemptions.debitsBody')}
        </Text>
        {query.isError ? <ApiErrorBanner title={t('Redemptions.error')} error={query.error} onRetry={() => void query.refetch()} /> : null}
        {query.data && rows.length === 0 ? (
          <Text as="p" tone="subdued">
            {t('Redemptions.debitsEmpty')}
          </Text>
        ) : null}
        {rows.length > 0 ? (
          <div data-testid="debit-list">
            <DataTable
              columnContentTypes={['text', 'text', 'text', 'numeric', 'numeric', 'text', 'text']}
              headings={[
                t('Redemptions.date'),
                t('Redemptions.member'),
                t('Redemptions.order'),
                t('Redemptions.owed'),
                t('Redemptions.taken'),
                t('Redemptions.status'),
                t('Redemptions.note'),
              ]}
              rows={rows}
            />
          </div>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function Redemptions() {
  const { t } = useI18n();
  const { when, money } = useFormats();
  const [status, setStatus] = useState<'' | Status>('');
  const query = useQuery({
    queryKey: [...KEY, status],
    queryFn: ({ signal }) =>
      apiGet<{ redemptions: RedemptionRow[] }>(`/api/admin/redemptions${status ? `?status=${status}` : ''}`, { signal }),
  });
  const redemptions = query.data?.redemptions ?? [];
  const toReview = redemptions.filter((r) => r.status === 'NEEDS_REVIEW').length;
  const rows = redemptions.map((r) => {
    const review = r.status === 'NEEDS_REVIEW';
    return [
      when.format(new Date(r.createdAt)),
      personLink(r),
      r.rewardName,
      r.points,
      money(r.valueMinor, r.currencyCode),
      review ? (
        <BlockStack key={`s${r.id}`} gap="100" inlineAlign="start">
          <Badge tone="warning">{t('Redemptions.needsReview')}</Badge>
          <ReviewButtons
            path={`/api/admin/redemptions/${r.id}/review`}
            outcomes={[
              { outcome: 'credited', label: t('Redemptions.reviewCredited') },
              { outcome: 'retry', label: t('Redemptions.reviewRetry') },
              { outcome: 'return-points', label: t('Redemptions.reviewReturn') },
            ]}
          />
        </BlockStack>
      ) : (
        <RedemptionStatusBadge key={`s${r.id}`} status={r.status} />
      ),
      r.code ?? '—',
      r.orderName ?? '—',
    ];
  });
  return (
    <Page title={t('Redemptions.title')} subtitle={t('Redemptions.subtitle')}>
      <BlockStack gap="400">
        {toReview > 0 ? (
          <Banner tone="warning" title={t('Redemptions.needsReview')}>
            {t('Redemptions.reviewHelp')}
          </Banner>
        ) : null}
        <Card>
          <Select
            label={t('Redemptions.filter')}
            options={[
              { label: t('Redemptions.all'), value: '' },
              ...STATUSES.map((s) => ({ label: t(`Redemptions.status${s}` as MessageKey), value: s })),
            ]}
            value={status}
            onChange={(v) => setStatus(v as '' | Status)}
          />
          {query.isError ? (
            <ApiErrorBanner title={t('Redemptions.error')} error={query.error} onRetry={() => void query.refetch()} />
          ) : null}
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
                headings={[
                  t('Redemptions.date'),
                  t('Redemptions.member'),
                  t('Redemptions.reward'),
                  t('Redemptions.points'),
                  t('Redemptions.value'),
                  t('Redemptions.status'),
                  t('Redemptions.code'),
                  t('Redemptions.order'),
                ]}
                rows={rows}
              />
            </div>
          ) : null}
        </Card>
        <StoreCreditTakenBack />
      </BlockStack>
    </Page>
  );
}
