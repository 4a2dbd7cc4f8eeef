// The referral program in the admin: its settings (both sides' rewards, the
// cookie, the limits), every referral with its status and why it was
// blocked (with approve / reject), and the members who bring the most friends.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Badge,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  SkeletonBodyText,
  Text,
  TextField,
} from '@shopify/polaris';
import { useEffect, useState } from 'react';
import { apiFetch, apiGet, apiJson, isAdminShopResponse, type AdminShopResponse } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';

type FriendOffer = { kind: 'fixed-amount'; amountMinor: number } | { kind: 'percentage'; percentage: number } | { kind: 'free-shipping' };

interface ReferralSettings {
  enabled: boolean;
  cookieDays: number;
  referrerPoints: number;
  referrerRewardId: string | null;
  friendOffer: FriendOffer;
  friendMinimumSubtotalMinor: number;
  friendOfferDays: number;
  monthlyCapPerReferrer: number;
  maxPerDay: number;
}

type Status = 'VISITED' | 'PENDING' | 'REWARDED' | 'BLOCKED' | 'REJECTED' | 'CANCELLED' | 'REVERSED';

interface ReferralRow {
  id: string;
  status: Status;
  reason: string | null;
  reasonText: string | null;
  referrerEmail: string | null;
  referrerFirstName: string | null;
  referrerLastName: string | null;
  friendEmail: string | null;
  orderName: string | null;
  rewardPoints: number;
  createdAt: string;
}

interface TopReferrer {
  memberId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  code: string | null;
  friendsJoined: number;
  rewarded: number;
  blocked: number;
  pointsEarned: number;
}

const STATUSES: Status[] = ['VISITED', 'PENDING', 'REWARDED', 'BLOCKED', 'REJECTED', 'CANCELLED', 'REVERSED'];
const TONE: Partial<Record<Status, 'success' | 'attention' | 'critical' | 'info'>> = {
  PENDING: 'info',
  REWARDED: 'success',
  BLOCKED: 'attention',
  REJECTED: 'critical',
  REVERSED: 'critical',
};

const SETTINGS_KEY = ['admin', 'referrals', 'settings'] as const;
const LIST_KEY = ['admin', 'referrals', 'list'] as const;
const TOP_KEY = ['admin', 'referrals', 'top'] as const;

/** Digits after the decimal point in a currency (JPY 0, USD 2). */
const currencyDigits = (currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
const toMajor = (minor: number, digits: number) => (minor / 10 ** digits).toFixed(digits);
const toMinor = (major: string, digits: number) => Math.round(Number(major) * 10 ** digits);
const personName = (p: { firstName: string | null; lastName: string | null; email: string | null }) =>
  [p.firstName, p.lastName].filter(Boolean).join(' ') || p.email || '—';

function SettingsCard({ currency }: { currency: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const digits = currencyDigits(currency);
  const query = useQuery({ queryKey: SETTINGS_KEY, queryFn: ({ signal }) => apiGet<{ settings: ReferralSettings }>('/api/admin/referrals/settings', { signal }) });
  const [form, setForm] = useState<ReferralSettings | null>(null);
  const [amount, setAmount] = useState('');
  const [minimum, setMinimum] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const catalogue = useQuery({ queryKey: ['rewards'], queryFn: () => apiGet<{ rewards: Array<{ id: string; name: string; enabled: boolean }> }>('/api/admin/rewards') });

  useEffect(() => {
    if (!query.data) return;
    const s = query.data.settings;
    setForm(s);
    setAmount(s.friendOffer.kind === 'fixed-amount' ? toMajor(s.friendOffer.amountMinor, digits) : s.friendOffer.kind === 'percentage' ? String(s.friendOffer.percentage) : '');
    setMinimum(toMajor(s.friendMinimumSubtotalMinor, digits));
  }, [query.data, digits]);

  const save = useMutation({
    mutationFn: async (settings: ReferralSettings) => {
      const res = await apiFetch('/api/admin/referrals/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
      const body = await res.json();
      if (!res.ok) throw Object.assign(new Error(body.error?.message ?? 'Not saved'), { fields: (body.error?.fields ?? {}) as Record<string, string> });
      return body as { settings: ReferralSettings };
    },
    onSuccess: (body) => {
      setErrors({});
      setSaved(true);
      queryClient.setQueryData(SETTINGS_KEY, body);
    },
    onError: (error: Error & { fields?: Record<string, string> }) => setErrors(error.fields ?? { _: error.message }),
  });

  if (query.isError) return <ApiErrorBanner title={t('Referrals.settingsError')} error={query.error} onRetry={() => void query.refetch()} />;
  if (!form) return <Card><SkeletonBodyText lines={6} /></Card>;

  const number = (key: keyof ReferralSettings) => (value: string) => {
    setSaved(false);
    setForm({ ...form, [key]: Number(value) });
  };
  const offerKind = form.friendOffer.kind;
  const submit = () => {
    const friendOffer: FriendOffer =
      offerKind === 'fixed-amount' ? { kind: offerKind, amountMinor: toMinor(amount, digits) } : offerKind === 'percentage' ? { kind: offerKind, percentage: Number(amount) } : { kind: offerKind };
    save.mutate({ ...form, friendOffer, friendMinimumSubtotalMinor: toMinor(minimum, digits) });
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">{t('Referrals.settingsHeading')}</Text>
        <FormLayout>
          <Checkbox label={t('Referrals.enabled')} checked={form.enabled} onChange={(enabled) => setForm({ ...form, enabled })} />
          <FormLayout.Group>
            <TextField label={t('Referrals.referrerPoints')} type="number" autoComplete="off" value={String(form.referrerPoints)} onChange={number('referrerPoints')} error={errors.referrerPoints} helpText={t('Referrals.referrerPointsHelp')} />
            <Select
              label={t('Referrals.referrerReward')}
              helpText={t('Referrals.referrerRewardHelp')}
              options={[{ label: t('Referrals.referrerRewardNone'), value: '' }, ...(catalogue.data?.rewards ?? []).map((r) => ({ label: r.name, value: r.id }))]}
              value={form.referrerRewardId ?? ''}
              error={errors.referrerRewardId}
              onChange={(id) => {
                setSaved(false);
                setForm({ ...form, referrerRewardId: id || null });
              }}
            />
            <Select
              label={t('Referrals.friendOffer')}
              options={[
                { label: t('Referrals.offerFixed'), value: 'fixed-amount' },
                { label: t('Referrals.offerPercentage'), value: 'percentage' },
                { label: t('Referrals.offerFreeShipping'), value: 'free-shipping' },
              ]}
              value={offerKind}
              onChange={(kind) => {
                setSaved(false);
                setForm({ ...form, friendOffer: kind === 'fixed-amount' ? { kind, amountMinor: 1000 } : kind === 'percentage' ? { kind, percentage: 10 } : { kind: 'free-shipping' } });
                setAmount(kind === 'fixed-amount' ? toMajor(1000, digits) : kind === 'percentage' ? '10' : '');
              }}
            />
            {offerKind !== 'free-shipping' ? (
              <TextField
                label={offerKind === 'percentage' ? t('Referrals.offerPercent') : t('Referrals.offerAmount', { currency })}
                type="number"
                autoComplete="off"
                value={amount}
                onChange={setAmount}
                error={errors['friendOffer.amountMinor'] ?? errors['friendOffer.percentage']}
              />
            ) : null}
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField label={t('Referrals.minimumSubtotal', { currency })} type="number" autoComplete="off" value={minimum} onChange={setMinimum} error={errors.friendMinimumSubtotalMinor} />
            <TextField label={t('Referrals.offerDays')} type="number" autoComplete="off" value={String(form.friendOfferDays)} onChange={number('friendOfferDays')} error={errors.friendOfferDays} />
            <TextField label={t('Referrals.cookieDays')} type="number" autoComplete="off" value={String(form.cookieDays)} onChange={number('cookieDays')} error={errors.cookieDays} helpText={t('Referrals.cookieDaysHelp')} />
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField label={t('Referrals.monthlyCap')} type="number" autoComplete="off" value={String(form.monthlyCapPerReferrer)} onChange={number('monthlyCapPerReferrer')} error={errors.monthlyCapPerReferrer} />
            <TextField label={t('Referrals.maxPerDay')} type="number" autoComplete="off" value={String(form.maxPerDay)} onChange={number('maxPerDay')} error={errors.maxPerDay} helpText={t('Referrals.maxPerDayHelp')} />
          </FormLayout.Group>
        </FormLayout>
        {errors._ ? <Text as="p" tone="critical">{errors._}</Text> : null}
        <InlineStack gap="300" blockAlign="center">
          <Button variant="primary" onClick={submit} loading={save.isPending}>{t('Referrals.save')}</Button>
          {saved ? <span data-testid="referral-settings-saved"><Text as="span" tone="success">{t('Referrals.saved')}</Text></span> : null}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function ReferralList() {
  const { t, formatNumber } = useI18n();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState('');
  const query = useQuery({
    queryKey: [...LIST_KEY, status],
    queryFn: ({ signal }) => apiGet<{ referrals: ReferralRow[] }>(`/api/admin/referrals${status ? `?status=${status}` : ''}`, { signal }),
  });
  const review = useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'approve' | 'reject' }) => apiJson(`/api/admin/referrals/${encodeURIComponent(id)}/${decision}`, { method: 'POST' }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['admin', 'referrals'] }),
  });

  const rows = (query.data?.referrals ?? []).map((r) => [
    personName({ firstName: r.referrerFirstName, lastName: r.referrerLastName, email: r.referrerEmail }),
    r.friendEmail ?? '—',
    <Badge key="s" tone={TONE[r.status]}>{t(`Referrals.status.${r.status}` as MessageKey)}</Badge>,
    r.reasonText ?? '',
    r.orderName ?? '—',
    r.status === 'VISITED' ? '—' : formatNumber(r.rewardPoints),
    r.status === 'BLOCKED' ? (
      <InlineStack key="a" gap="200">
        <Button size="slim" onClick={() => review.mutate({ id: r.id, decision: 'approve' })}>{t('Referrals.approve')}</Button>
        <Button size="slim" tone="critical" onClick={() => review.mutate({ id: r.id, decision: 'reject' })}>{t('Referrals.reject')}</Button>
      </InlineStack>
    ) : (
      ''
    ),
  ]);

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">{t('Referrals.listHeading')}</Text>
          <Select
            label={t('Referrals.filter')}
            labelInline
            options={[{ label: t('Referrals.all'), value: '' }, ...STATUSES.map((s) => ({ label: t(`Referrals.status.${s}` as MessageKey), value: s }))]}
            value={status}
            onChange={setStatus}
          />
        </InlineStack>
        {query.isError ? <ApiErrorBanner title={t('Referrals.listError')} error={query.error} onRetry={() => void query.refetch()} /> : null}
        {review.isError ? <ApiErrorBanner title={t('Referrals.reviewError')} error={review.error} /> : null}
        {query.isPending ? (
          <SkeletonBodyText lines={4} />
        ) : (
          <div data-testid="referral-list">
            <DataTable
              columnContentTypes={['text', 'text', 'text', 'text', 'text', 'numeric', 'text']}
              headings={[t('Referrals.referrer'), t('Referrals.friend'), t('Referrals.statusHeading'), t('Referrals.reason'), t('Referrals.order'), t('Referrals.points'), '']}
              rows={rows}
            />
            {rows.length === 0 ? <Text as="p" tone="subdued">{t('Referrals.empty')}</Text> : null}
          </div>
        )}
      </BlockStack>
    </Card>
  );
}

function TopReferrers() {
  const { t, formatNumber } = useI18n();
  const query = useQuery({ queryKey: TOP_KEY, queryFn: ({ signal }) => apiGet<{ referrers: TopReferrer[] }>('/api/admin/referrals/top', { signal }) });
  const rows = (query.data?.referrers ?? []).map((r) => [personName(r), r.code ?? '—', formatNumber(r.friendsJoined), formatNumber(r.pointsEarned)]);
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">{t('Referrals.topHeading')}</Text>
        {query.isError ? <ApiErrorBanner title={t('Referrals.listError')} error={query.error} onRetry={() => void query.refetch()} /> : null}
        {query.isPending ? (
          <SkeletonBodyText lines={3} />
        ) : rows.length === 0 ? (
          <Text as="p" tone="subdued">{t('Referrals.topEmpty')}</Text>
        ) : (
          <div data-testid="top-referrers">
            <DataTable columnContentTypes={['text', 'text', 'numeric', 'numeric']} headings={[t('Referrals.member'), t('Referrals.code'), t('Referrals.friendsJoined'), t('Referrals.pointsEarned')]} rows={rows} />
          </div>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Referrals() {
  const { t } = useI18n();
  const shop = useQuery({ queryKey: ['admin', 'shop'], queryFn: ({ signal }) => apiGet<AdminShopResponse>('/api/admin/shop', { signal, validate: isAdminShopResponse }) });
  return (
    <div data-testid="referrals-page">
      <Page title={t('Referrals.title')} subtitle={t('Referrals.body')}>
        <Layout>
          <Layout.Section>
            {shop.data ? <SettingsCard currency={shop.data.shop.currencyCode} /> : <Card><SkeletonBodyText lines={6} /></Card>}
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <TopReferrers />
          </Layout.Section>
          <Layout.Section>
            <ReferralList />
          </Layout.Section>
        </Layout>
      </Page>
    </div>
  );
}
