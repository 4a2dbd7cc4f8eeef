// What the loyalty engine did, as events (points earned, tiers changed,
// rewards granted, the program changed …), and which reactions to them
// failed: each failed delivery with its error and a Retry button. Failures
// are never dropped silently: they wait here until retried.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Link, Page, SkeletonBodyText, Text } from '@shopify/polaris';
import { apiGet, apiSend } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { useI18n } from '../providers/I18nProvider';

interface Delivery {
  id: string;
  subscriber: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  lastError: string | null;
}

interface EventRow {
  id: string;
  type: string;
  memberId: string | null;
  cause: string | null;
  createdAt: string;
  deliveries: Delivery[];
}

const KEY = ['events'] as const;
const STATUS_TONE = { done: 'success', pending: 'attention', failed: 'critical' } as const;

function useWhen() {
  const { locale } = useI18n();
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
}

const memberLink = (e: EventRow) =>
  e.memberId ? (
    <Link key={`m${e.id}`} url={`/members/${e.memberId}`} monochrome>
      {e.memberId.slice(0, 8)}
    </Link>
  ) : (
    '—'
  );

function RetryButton({ delivery }: { delivery: Delivery }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => apiSend('POST', `/api/admin/events/deliveries/${delivery.id}/retry`),
    // The dispatcher runs it at once; read again shortly to show the outcome.
    onSettled: () => setTimeout(() => void queryClient.invalidateQueries({ queryKey: KEY }), 500),
  });
  return (
    <BlockStack gap="100" inlineAlign="start">
      <Button size="slim" onClick={() => retry.mutate()} loading={retry.isPending} disabled={retry.isSuccess}>
        {retry.isSuccess ? t('Activity.retrying') : t('Activity.retry')}
      </Button>
      {retry.isError ? (
        <Text as="p" tone="critical">
          {t('Activity.retryError')}
        </Text>
      ) : null}
    </BlockStack>
  );
}

function FailedDeliveries() {
  const { t } = useI18n();
  const when = useWhen();
  const query = useQuery({
    queryKey: [...KEY, 'failed'],
    queryFn: ({ signal }) => apiGet<{ events: EventRow[] }>('/api/admin/events?failed=true&limit=100', { signal }),
  });
  const rows = (query.data?.events ?? []).flatMap((e) =>
    e.deliveries
      .filter((d) => d.status === 'failed')
      .map((d) => [
        when.format(new Date(e.createdAt)),
        <code key={`t${d.id}`}>{e.type}</code>,
        <code key={`s${d.id}`}>{d.subscriber}</code>,
        d.attempts,
        <span key={`e${d.id}`} data-testid="delivery-error" style={{ whiteSpace: 'normal', wordBreak: 'break-word' }}>
          {d.lastError ?? '—'}
        </span>,
        <RetryButton key={`r${d.id}`} delivery={d} />,
      ]),
  );
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t('Activity.failedHeading')}
        </Text>
        <Text as="p" tone="subdued">
          {t('Activity.failedBody')}
        </Text>
        {query.isError ? <ApiErrorBanner title={t('Activity.error')} error={query.error} onRetry={() => void query.refetch()} /> : null}
        {query.isPending ? <SkeletonBodyText lines={3} /> : null}
        {query.data && rows.length === 0 ? (
          <Text as="p" tone="success">
            {t('Activity.noFailures')}
          </Text>
        ) : null}
        {rows.length > 0 ? (
          <div data-testid="failed-deliveries">
            <DataTable
              columnContentTypes={['text', 'text', 'text', 'numeric', 'text', 'text']}
              headings={[
                t('Activity.when'),
                t('Activity.event'),
                t('Activity.reaction'),
                t('Activity.attempts'),
                t('Activity.lastError'),
                '',
              ]}
              rows={rows}
            />
          </div>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function RecentEvents() {
  const { t } = useI18n();
  const when = useWhen();
  const query = useQuery({
    queryKey: [...KEY, 'recent'],
    queryFn: ({ signal }) => apiGet<{ events: EventRow[] }>('/api/admin/events?limit=50', { signal }),
  });
  const rows = (query.data?.events ?? []).map((e) => [
    when.format(new Date(e.createdAt)),
    <code key={`t${e.id}`}>{e.type}</code>,
    memberLink(e),
    <InlineStack key={`d${e.id}`} gap="100">
      {e.deliveries.length === 0 ? (
        <Text as="span" tone="subdued">
          {t('Activity.noReactions')}
        </Text>
      ) : (
        e.deliveries.map((d) => (
          <Badge key={d.id} tone={STATUS_TONE[d.status]}>{`${d.subscriber}: ${t(`Activity.status.${d.status}`)}`}</Badge>
        ))
      )}
    </InlineStack>,
  ]);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t('Activity.recentHeading')}
        </Text>
        {query.isError ? <ApiErrorBanner title={t('Activity.error')} error={query.error} onRetry={() => void query.refetch()} /> : null}
        {query.isPending ? <SkeletonBodyText lines={6} /> : null}
        {query.data && rows.length === 0 ? (
          <Text as="p" tone="subdued">
            {t('Activity.empty')}
          </Text>
        ) : null}
        {rows.length > 0 ? (
          <div data-testid="recent-events">
            <DataTable
              columnContentTypes={['text', 'text', 'text', 'text']}
              headings={[t('Activity.when'), t('Activity.event'), t('Activity.member'), t('Activity.reactions')]}
              rows={rows}
            />
          </div>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function Activity() {
  const { t } = useI18n();
  return (
    <Page title={t('Activity.title')} subtitle={t('Activity.subtitle')}>
      <BlockStack gap="400">
        <FailedDeliveries />
        <RecentEvents />
      </BlockStack>
    </Page>
  );
}
