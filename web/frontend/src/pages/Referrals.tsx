// The referral program in the admin: its settings (both sides' rewards, the
// cookie, the limits), every referral with its status and why it was
// blocked (with approve / reject), and the members who bring the most friends.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  SkeletonBodyText,
  Text,
} from '@shopify/polaris';
import { useCallback, useState } from 'react';
import { apiGet, apiJson, apiSend, isAdminShopResponse, type AdminShopResponse } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { CheckboxInput, MoneyInput, NumberInput } from '../forms/fields';
import { SaveBarForm } from '../forms/SaveBar';
import { useForm } from '../forms/useForm';
import { referralSettingsInput, type ReferralSettings } from '../../../loyalty/domain/referrals/settings';
import { parseWith } from '../../../loyalty/domain/validation';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';

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
const currencyDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
const personName = (p: { firstName: string | null; lastName: string | null; email: string | null }) =>
  [p.firstName, p.lastName].filter(Boolean).join(' ') || p.email || '—';

const parseSettings = (draft: ReferralSettings) => parseWith(referralSettingsInput, draft);

/** Loads the settings, then edits them like every other form: checked before sending, a save bar while unsaved. */
function SettingsCard({ currency }: { currency: string }) {
  const { t } = useI18n();
  const query = useQuery({
    queryKey: SETTINGS_KEY,
    queryFn: ({ signal }) => apiGet<{ settings: ReferralSettings }>('/api/admin/referrals/settings', { signal }),
  });
  if (query.isError)
    return <ApiErrorBanner title={t('Referrals.settingsError')} error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data)
    return (
      <Card>
        <SkeletonBodyText lines={6} />
      </Card>
    );
  return <SettingsForm initial={query.data.settings} currency={currency} />;
}

function SettingsForm({ initial, currency }: { initial: ReferralSettings; currency: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const digits = currencyDigits(currency);
  const catalogue = useQuery({
    queryKey: ['rewards'],
    queryFn: () => apiGet<{ rewards: Array<{ id: string; name: string; enabled: boolean }> }>('/api/admin/rewards'),
  });
  const [saved, setSaved] = useState(false);
  const save = useCallback(
    async (settings: ReferralSettings) => {
      const body = await apiSend<{ settings: ReferralSettings }>('PUT', '/api/admin/referrals/settings', settings);
      queryClient.setQueryData(SETTINGS_KEY, body);
      setSaved(true);
    },
    [queryClient],
  );
  const form = useForm(initial, parseSettings, save);
  const offer = form.value.friendOffer;
  // A new offer kind starts from a sensible value rather than an empty field.
  const changeOffer = (kind: string) =>
    form.set(
      'friendOffer',
      kind === 'fixed-amount' ? { kind, amountMinor: 1000 } : kind === 'percentage' ? { kind, percentage: 10 } : { kind: 'free-shipping' },
    );

  return (
    <SaveBarForm form={form} testId="referral-settings">
      <Card>
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            {t('Referrals.settingsHeading')}
          </Text>
          {form.formError ? <Banner tone="critical">{form.formError}</Banner> : null}
          <FormLayout>
            <CheckboxInput form={form} path="enabled" label={t('Referrals.enabled')} />
            <FormLayout.Group>
              <NumberInput
                form={form}
                path="referrerPoints"
                label={t('Referrals.referrerPoints')}
                helpText={t('Referrals.referrerPointsHelp')}
              />
              <Select
                label={t('Referrals.referrerReward')}
                helpText={t('Referrals.referrerRewardHelp')}
                options={[
                  { label: t('Referrals.referrerRewardNone'), value: '' },
                  ...(catalogue.data?.rewards ?? []).map((r) => ({ label: r.name, value: r.id })),
                ]}
                value={form.value.referrerRewardId ?? ''}
                error={form.errors.referrerRewardId}
                onChange={(id) => form.set('referrerRewardId', id || null)}
              />
            </FormLayout.Group>
            <FormLayout.Group>
              <Select
                label={t('Referrals.friendOffer')}
                options={[
                  { label: t('Referrals.offerFixed'), value: 'fixed-amount' },
                  { label: t('Referrals.offerPercentage'), value: 'percentage' },
                  { label: t('Referrals.offerFreeShipping'), value: 'free-shipping' },
                ]}
                value={offer.kind}
                onChange={changeOffer}
              />
              {offer.kind === 'fixed-amount' ? (
                <MoneyInput
                  form={form}
                  path="friendOffer.amountMinor"
                  label={t('Referrals.offerAmount', { currency })}
                  currency={currency}
                  digits={digits}
                />
              ) : null}
              {offer.kind === 'percentage' ? (
                <NumberInput form={form} path="friendOffer.percentage" label={t('Referrals.offerPercent')} suffix="%" />
              ) : null}
            </FormLayout.Group>
            <FormLayout.Group>
              <MoneyInput
                form={form}
                path="friendMinimumSubtotalMinor"
                label={t('Referrals.minimumSubtotal', { currency })}
                currency={currency}
                digits={digits}
              />
              <NumberInput form={form} path="friendOfferDays" label={t('Referrals.offerDays')} />
              <NumberInput form={form} path="cookieDays" label={t('Referrals.cookieDays')} helpText={t('Referrals.cookieDaysHelp')} />
            </FormLayout.Group>
            <FormLayout.Group>
              <NumberInput form={form} path="monthlyCapPerReferrer" label={t('Referrals.monthlyCap')} />
              <NumberInput form={form} path="maxPerDay" label={t('Referrals.maxPerDay')} helpText={t('Referrals.maxPerDayHelp')} />
            </FormLayout.Group>
          </FormLayout>
          <InlineStack gap="300" blockAlign="center">
            <button type="submit" hidden />
            {form.dirty ? (
              <Text as="p" tone="subdued">
                {t('Forms.unsaved')}
              </Text>
            ) : saved ? (
              <span data-testid="referral-settings-saved">
                <Text as="span" tone="success">
                  {t('Referrals.saved')}
                </Text>
              </span>
            ) : null}
          </InlineStack>
        </BlockStack>
      </Card>
    </SaveBarForm>
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
    mutationFn: ({ id, decision }: { id: string; decision: 'approve' | 'reject' }) =>
      apiJson(`/api/admin/referrals/${encodeURIComponent(id)}/${decision}`, { method: 'POST' }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['admin', 'referrals'] }),
  });

  // Known reasons in the admin's language; anything newer as the server words it.
  const reasonOf = (r: ReferralRow) => {
    const key = `Referrals.reason_${r.reason}` as MessageKey;
    const text = r.reason ? t(key) : '';
    return text === key ? (r.reasonText ?? r.reason ?? '') : text;
  };
  const rows = (query.data?.referrals ?? []).map((r) => [
    personName({ firstName: r.referrerFirstName, lastName: r.referrerLastName, email: r.referrerEmail }),
    r.friendEmail ?? '—',
    <Badge key="s" tone={TONE[r.status]}>
      {t(`Referrals.status.${r.status}` as MessageKey)}
    </Badge>,
    reasonOf(r),
    r.orderName ?? '—',
    r.status === 'VISITED' ? '—' : formatNumber(r.rewardPoints),
    r.status === 'BLOCKED' ? (
      <InlineStack key="a" gap="200">
        <Button size="slim" onClick={() => review.mutate({ id: r.id, decision: 'approve' })}>
          {t('Referrals.approve')}
        </Button>
        <Button size="slim" tone="critical" onClick={() => review.mutate({ id: r.id, decision: 'reject' })}>
          {t('Referrals.reject')}
        </Button>
      </InlineStack>
    ) : (
      ''
    ),
  ]);

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t('Referrals.listHeading')}
          </Text>
          <Select
            label={t('Referrals.filter')}
            labelInline
            options={[
              { label: t('Referrals.all'), value: '' },
              ...STATUSES.map((s) => ({ label: t(`Referrals.status.${s}` as MessageKey), value: s })),
            ]}
            value={status}
            onChange={setStatus}
          />
        </InlineStack>
        {query.isError ? (
          <ApiErrorBanner title={t('Referrals.listError')} error={query.error} onRetry={() => void query.refetch()} />
        ) : null}
        {review.isError ? <ApiErrorBanner title={t('Referrals.reviewError')} error={review.error} /> : null}
        {query.isPending ? (
          <SkeletonBodyText lines={4} />
        ) : (
          <div data-testid="referral-list">
            <DataTable
              columnContentTypes={['text', 'text', 'text', 'text', 'text', 'numeric', 'text']}
              headings={[
                t('Referrals.referrer'),
                t('Referrals.friend'),
                t('Referrals.statusHeading'),
                t('Referrals.reason'),
                t('Referrals.order'),
                t('Referrals.points'),
                '',
              ]}
              rows={rows}
            />
            {rows.length === 0 ? (
              <Text as="p" tone="subdued">
                {t('Referrals.empty')}
              </Text>
            ) : null}
          </div>
        )}
      </BlockStack>
    </Card>
  );
}

function TopReferrers() {
  const { t, formatNumber } = useI18n();
  const query = useQuery({
    queryKey: TOP_KEY,
    queryFn: ({ signal }) => apiGet<{ referrers: TopReferrer[] }>('/api/admin/referrals/top', { signal }),
  });
  const rows = (query.data?.referrers ?? []).map((r) => [
    personName(r),
    r.code ?? '—',
    formatNumber(r.friendsJoined),
    formatNumber(r.pointsEarned),
  ]);
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {t('Referrals.topHeading')}
        </Text>
        {query.isError ? (
          <ApiErrorBanner title={t('Referrals.listError')} error={query.error} onRetry={() => void query.refetch()} />
        ) : null}
        {query.isPending ? (
          <SkeletonBodyText lines={3} />
        ) : rows.length === 0 ? (
          <Text as="p" tone="subdued">
            {t('Referrals.topEmpty')}
          </Text>
        ) : (
          <div data-testid="top-referrers">
            <DataTable
              columnContentTypes={['text', 'text', 'numeric', 'numeric']}
              headings={[t('Referrals.member'), t('Referrals.code'), t('Referrals.friendsJoined'), t('Referrals.pointsEarned')]}
              rows={rows}
            />
          </div>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Referrals() {
  const { t } = useI18n();
  const shop = useQuery({
    queryKey: ['admin', 'shop'],
    queryFn: ({ signal }) => apiGet<AdminShopResponse>('/api/admin/shop', { signal, validate: isAdminShopResponse }),
  });
  return (
    <div data-testid="referrals-page">
      <Page title={t('Referrals.title')} subtitle={t('Referrals.body')}>
        <Layout>
          <Layout.Section>
            {shop.data ? (
              <SettingsCard currency={shop.data.shop.currencyCode} />
            ) : (
              <Card>
                <SkeletonBodyText lines={6} />
              </Card>
            )}
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
