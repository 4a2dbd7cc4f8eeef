// One member: balances, purchases (figures and orders), the full ledger, redemptions, and the two things an
// admin does for a member — adjust points with a reason, issue a reward.
import { useMemo, useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  FormLayout,
  InlineGrid,
  Layout,
  Page,
  Select,
  SkeletonPage,
  Text,
  TextField,
} from '@shopify/polaris';
import emptyStateImage from '../assets/empty-state.svg';
import { apiFetch, apiGet, apiSend, ApiError } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { MemberEmailLog } from '../components/emails/MemberEmailLog';
import { MemberOrders } from '../components/MemberOrders';
import { MemberSegments } from '../components/MemberSegments';
import { MemberTier } from '../components/MemberTier';
import { StatFigure } from '../components/StatFigure';
import { NumberInput, TextInput } from '../forms/fields';
import { useForm } from '../forms/useForm';
import { adjustmentSchema } from '../../../loyalty/domain/adjustment';
import { parseWith } from '../../../loyalty/domain/validation';
import { keys, useRewards, useInvalidate, type Member } from '../queries';
import { useParams } from '../routes';
import { useI18n } from '../providers/I18nProvider';
import { memberName } from './Members';
import type { HistoryEntry } from '../../../loyalty/member-history';
import { RedemptionStatusBadge, type RedemptionStatus } from '../components/RedemptionStatus';

type Entry = HistoryEntry<string>;
interface Redemption {
  id: string;
  status: RedemptionStatus;
  points: number;
  code: string | null;
  rewardName: string;
  createdAt: string;
}

const parseAdjustment = (raw: { points: number | undefined; reason: string }) => parseWith(adjustmentSchema, raw);

function AdjustPoints({ memberId, onDone }: { memberId: string; onDone(): void }) {
  const { t } = useI18n();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [done, setDone] = useState(false);
  const form = useForm<{ points: number | undefined; reason: string }, { points: number; reason: string }>(
    { points: undefined, reason: '' },
    parseAdjustment,
    async (input) => {
      await apiFetchAdjust(memberId, input, key);
      setKey(crypto.randomUUID());
      setDone(true);
      onDone();
    },
  );
  return (
    <Card>
      <form
        data-testid="adjust-points"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(false);
          void form.submit().then((ok) => ok && form.replace({ points: undefined, reason: '' }));
        }}
      >
        <FormLayout>
          <Text as="h2" variant="headingMd">
            {t('Member.adjustTitle')}
          </Text>
          {form.formError && !Object.keys(form.errors).length ? <Banner tone="critical">{form.formError}</Banner> : null}
          {done ? <Banner tone="success">{t('Member.adjusted')}</Banner> : null}
          <NumberInput form={form} path="points" label={t('Member.adjustPoints')} helpText={t('Member.adjustPointsHelp')} />
          <TextInput form={form} path="reason" label={t('Member.adjustReason')} helpText={t('Member.adjustReasonHelp')} maxLength={500} />
          <Button submit variant="primary" loading={form.submitting}>
            {t('Member.adjust')}
          </Button>
        </FormLayout>
      </form>
    </Card>
  );
}

async function apiFetchAdjust(memberId: string, input: { points: number; reason: string }, idempotencyKey: string) {
  const res = await apiFetch(`/api/admin/members/${memberId}/adjustments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
    body: JSON.stringify(input),
  });
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    throw new ApiError('http', res.status, 'adjustment refused', body?.error?.message, body?.error?.code, body?.error?.fields);
  }
}

function IssueReward({ memberId, available, onDone }: { memberId: string; available: number; onDone(): void }) {
  const { t, formatNumber } = useI18n();
  const rewards = useRewards();
  const [rewardId, setRewardId] = useState('');
  const [points, setPoints] = useState('');
  const [result, setResult] = useState<{ code: string | null; status: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const usable = (rewards.data?.rewards ?? []).filter((r) => r.enabled);
  const chosen = usable.find((r) => r.id === rewardId) ?? usable[0];
  const slider = chosen?.type === 'points-slider';

  async function issue() {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const body = slider ? { rewardId: chosen.id, points: Number(points) } : { rewardId: chosen.id };
      const { redemption } = await apiSend<{ redemption: { code: string | null; status: string } }>(
        'POST',
        `/api/admin/members/${memberId}/redemptions`,
        body,
      );
      setResult(redemption);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (!usable.length) {
    return (
      <Card>
        <EmptyState heading={t('Member.noRewards')} image={emptyStateImage} action={{ content: t('Member.createReward'), url: '/rewards' }}>
          <p>{t('Member.noRewardsBody')}</p>
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card>
      <div data-testid="issue-reward">
        <FormLayout>
          <Text as="h2" variant="headingMd">
            {t('Member.issueTitle')}
          </Text>
          <Text as="p" tone="subdued">
            {t('Member.issueBody', { points: formatNumber(available) })}
          </Text>
          <Select
            label={t('Member.reward')}
            options={usable.map((r) => ({ label: r.name, value: r.id }))}
            value={chosen?.id ?? ''}
            onChange={setRewardId}
          />
          {slider ? (
            <TextField label={t('Member.sliderPoints')} type="number" value={points} onChange={setPoints} autoComplete="off" />
          ) : null}
          {error ? <Banner tone="critical">{error instanceof ApiError ? (error.detail ?? error.message) : String(error)}</Banner> : null}
          {result ? (
            <Banner tone="success">{result.code ? t('Member.issuedCode', { code: result.code }) : t('Member.issuedPending')}</Banner>
          ) : null}
          <Button onClick={() => void issue()} loading={busy}>
            {t('Member.issue')}
          </Button>
        </FormLayout>
      </div>
    </Card>
  );
}

/** The member's whole ledger, newest first; older pages load on request. */
function PointsHistory({ memberId }: { memberId: string }) {
  const { t, locale, formatNumber } = useI18n();
  const when = useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }), [locale]);
  const history = useInfiniteQuery({
    queryKey: [...keys.members, 'entries', memberId],
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) =>
      apiGet<{ entries: Entry[]; nextCursor: string | null }>(
        `/api/admin/members/${encodeURIComponent(memberId)}/entries?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = history.data?.pages.flatMap((p) => p.entries) ?? [];
  const kind = (k: string) => t(`Member.kind${k}` as 'Member.kindEARN');
  const day = (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
  /** Where the entry's points stand: waiting, spendable, taken off the balance, or cancelled. */
  const status = (e: Entry) => {
    if (e.status === 'PENDING')
      return (
        <Badge key={e.id} tone="attention">
          {e.availableAt ? t('Member.statusPendingUntil', { date: day(e.availableAt) }) : t('Member.statusPENDING')}
        </Badge>
      );
    if (e.status === 'VOID') return <Badge key={e.id}>{t('Member.statusVOID')}</Badge>;
    return e.points > 0 ? (
      <Badge key={e.id} tone="success">
        {t('Member.statusAVAILABLE')}
      </Badge>
    ) : (
      <Badge key={e.id}>{t('Member.statusDeducted')}</Badge>
    );
  };
  /** What the entry is about, in the merchant's words: the reason given, the reward and its code, the order's name, or the way to earn. */
  const details = (e: Entry) => {
    if (e.reason) return e.reason;
    if (e.reward) return e.reward.code ? t('Member.rewardWithCode', { reward: e.reward.name, code: e.reward.code }) : e.reward.name;
    if (e.orderId) return t('Member.orderNamed', { name: e.orderName ?? `#${e.orderId.split('/').pop()}` });
    return e.ruleName ?? '';
  };
  return (
    <Card padding="0">
      <BlockStack gap="200">
        <div style={{ padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
          <Text as="h2" variant="headingMd">
            {t('Member.history')}
          </Text>
        </div>
        {history.isError ? (
          <div style={{ padding: '0 var(--p-space-400) var(--p-space-400)' }}>
            <ApiErrorBanner title={t('Member.historyError')} error={history.error} />
          </div>
        ) : history.isPending ? (
          <div style={{ padding: '0 var(--p-space-400) var(--p-space-400)' }}>
            <Text as="p" tone="subdued">
              {t('Member.historyLoading')}
            </Text>
          </div>
        ) : entries.length ? (
          <div data-testid="member-history" data-count={entries.length}>
            <DataTable
              columnContentTypes={['text', 'text', 'numeric', 'text', 'text']}
              headings={[t('Member.date'), t('Member.kind'), t('Member.points'), t('Member.status'), t('Member.reason')]}
              rows={entries.map((e) => [
                // The date on one line; the details (a reason, a reward and its code) wrap instead of being scrolled out of sight.
                <span key={`d${e.id}`} style={{ whiteSpace: 'nowrap' }}>
                  {when.format(new Date(e.createdAt))}
                </span>,
                kind(e.kind),
                (e.points > 0 ? '+' : '') + formatNumber(e.points),
                status(e),
                <div key={`r${e.id}`} style={{ whiteSpace: 'normal', minWidth: '8rem' }}>
                  {details(e)}
                </div>,
              ])}
            />
            {history.hasNextPage && (
              <div style={{ padding: 'var(--p-space-300) var(--p-space-400) var(--p-space-400)' }}>
                <Button onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
                  {t('Member.olderEntries')}
                </Button>
              </div>
            )}
          </div>
        ) : (
          <EmptyState heading={t('Member.noHistory')} image={emptyStateImage}>
            <p>{t('Member.noHistoryBody')}</p>
          </EmptyState>
        )}
      </BlockStack>
    </Card>
  );
}

export default function MemberPage() {
  const { id = '' } = useParams();
  const { t, locale, formatNumber } = useI18n();
  const invalidate = useInvalidate();
  const detail = useQuery({
    queryKey: [...keys.members, 'detail', id],
    queryFn: ({ signal }) => apiGet<{ member: Member }>(`/api/admin/members/${encodeURIComponent(id)}`, { signal }),
  });
  const redemptions = useQuery({
    queryKey: [...keys.members, 'redemptions', id],
    queryFn: ({ signal }) => apiGet<{ redemptions: Redemption[] }>(`/api/admin/redemptions?memberId=${encodeURIComponent(id)}`, { signal }),
  });
  const when = useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }), [locale]);
  const refresh = () => void invalidate(keys.members, keys.dashboard);

  if (detail.isPending) return <SkeletonPage backAction />;
  if (detail.isError)
    return (
      <Page backAction={{ url: '/members' }} title={t('Member.title')}>
        <ApiErrorBanner title={t('Member.errorTitle')} error={detail.error} />
      </Page>
    );
  const { member } = detail.data;

  return (
    <div data-testid="member" data-available={member.points.available}>
      <Page
        backAction={{ content: t('Members.title'), url: '/members' }}
        title={memberName(member, t('Members.guest'))}
        subtitle={member.email ?? undefined}
      >
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
                  <StatFigure
                    testId="member-available"
                    label={t('Members.available')}
                    value={member.points.available}
                    help={t('Member.availableHelp')}
                  />
                  <StatFigure
                    testId="member-pending"
                    label={t('Members.pending')}
                    value={member.points.pending}
                    help={t('Member.pendingHelp')}
                  />
                  <StatFigure
                    testId="member-earned"
                    label={t('Members.lifetimeEarned')}
                    value={member.points.lifetimeEarned}
                    help={t('Member.earnedHelp')}
                  />
                  <StatFigure
                    testId="member-redeemed"
                    label={t('Member.lifetimeRedeemed')}
                    value={member.points.lifetimeRedeemed}
                    help={t('Member.redeemedHelp')}
                  />
                </InlineGrid>
              </Card>
              <MemberOrders memberId={id} />
              <PointsHistory memberId={id} />
              <MemberEmailLog memberId={id} />
              <Card padding="0">
                <div data-testid="member-redemptions">
                  <BlockStack gap="200">
                    <div style={{ padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
                      <Text as="h2" variant="headingMd">
                        {t('Member.redemptions')}
                      </Text>
                    </div>
                    {redemptions.data?.redemptions.length ? (
                      <DataTable
                        columnContentTypes={['text', 'text', 'numeric', 'text', 'text']}
                        headings={[t('Member.date'), t('Member.reward'), t('Member.points'), t('Member.status'), t('Member.code')]}
                        rows={redemptions.data.redemptions.map((r) => [
                          when.format(new Date(r.createdAt)),
                          r.rewardName,
                          formatNumber(r.points),
                          <RedemptionStatusBadge key={r.id} status={r.status} />,
                          r.code ?? '—',
                        ])}
                      />
                    ) : (
                      <div style={{ padding: 'var(--p-space-400)' }}>
                        <Text as="p" tone="subdued">
                          {t('Member.noRedemptions')}
                        </Text>
                      </div>
                    )}
                  </BlockStack>
                </div>
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <MemberTier memberId={member.id} onChange={refresh} />
              <MemberSegments memberId={member.id} />
              <AdjustPoints memberId={member.id} onDone={refresh} />
              <IssueReward memberId={member.id} available={member.points.available} onDone={refresh} />
              <Card>
                <BlockStack gap="100">
                  <Text as="p" tone="subdued">
                    {t('Member.since', { date: when.format(new Date(member.memberSince)) })}
                  </Text>
                  <Text as="p" tone="subdued">
                    {member.customerId}
                  </Text>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Page>
    </div>
  );
}
