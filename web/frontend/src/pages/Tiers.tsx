// VIP tiers: the tiers with their thresholds and perks, and the policy that
// places members in them. Saving is two steps: preview who would move
// (before → after per tier, a sample of members), then apply.
import { useCallback, useMemo, useState } from 'react';
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Select,
  SkeletonPage,
  Text,
} from '@shopify/polaris';
import { apiSend, apiSendStreaming, ApiError } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { CheckboxInput, MoneyInput, NumberInput, SelectInput, TextInput } from '../forms/fields';
import { useForm, type FieldErrors } from '../forms/useForm';
import { parseTierPolicy, parseTiers } from '../../../loyalty/domain/tiers';
import { currencyDigits } from '../../../loyalty/domain/money';
import type { MessageKey } from '../i18n';
import { keys, useInvalidate, useProgram, useRewards, useTiers, type TierInfo, type TierPolicyInfo } from '../queries';
import { useI18n } from '../providers/I18nProvider';

// Perks' rewardIds (rewards limited to the tier) are read here and set on each reward (Reward.tierIds).
type TierDraft = TierInfo;
interface TiersDraft {
  tiers: TierDraft[];
  policy: TierPolicyInfo;
}
/** A line of PUT /tiers' streamed answer. */
interface ApplyLine {
  progress?: ApplyProgress;
  applied?: { up: number; down: number; stay: number };
  error?: { code: string; message: string };
}
interface ApplyProgress {
  stage: 'computing' | 'writing';
  done: number;
  total: number;
}
interface Preview {
  byTier: { tierId: string; name: string; before: number; after: number }[];
  up: number;
  down: number;
  stay: number;
  sample: { memberId: string; name: string; email: string | null; from: string | null; to: string | null }[];
}

/** What the API takes: an empty tag is no tag; rewardIds belong to the rewards. */
function toInput(d: TiersDraft): TiersDraft {
  return {
    ...d,
    tiers: d.tiers.map((tier) => ({
      ...tier,
      perks: { ...tier.perks, tag: tier.perks.tag?.trim() ? tier.perks.tag : null, rewardIds: undefined },
    })),
  };
}

function parseDraft(raw: TiersDraft) {
  const d = toInput(raw);
  const errors: FieldErrors = {};
  const tiers = parseTiers(d.tiers);
  if (!tiers.ok) for (const [k, v] of Object.entries(tiers.errors)) errors[k ? `tiers.${k}` : 'tiers'] = v;
  const policy = parseTierPolicy(d.policy);
  if (!policy.ok) for (const [k, v] of Object.entries(policy.errors)) errors[`policy.${k}`] = v;
  return Object.keys(errors).length ? ({ ok: false, errors } as const) : ({ ok: true, value: d } as const);
}

const newTier = (n: number): TierDraft => ({
  id: `tier-${Date.now().toString(36)}-${n}`,
  name: '',
  threshold: 0,
  perks: { multiplier: '1', freeShipping: false, birthdayBonus: 0, tag: null, entryRewardId: null, rewardIds: [] },
});

type Moved = { up: number; down: number; stay: number };

/**
 * The form is mounted afresh when the tiers are reloaded (after applying), so
 * what the last apply moved is kept by the page and handed back in.
 */
function TiersForm({
  initial,
  members,
  currency,
  applied,
  setApplied,
}: {
  initial: TiersDraft;
  members: Record<string, number>;
  currency: string;
  applied: Moved | null;
  setApplied(moved: Moved | null): void;
}) {
  const { t, formatNumber } = useI18n();
  const invalidate = useInvalidate();
  const rewards = useRewards();
  const [preview, setPreview] = useState<{ of: string; result: Preview } | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [progress, setProgress] = useState<ApplyProgress | null>(null);
  const save = useCallback(
    async (d: TiersDraft) => {
      setProgress({ stage: 'computing', done: 0, total: 0 });
      try {
        const last = await apiSendStreaming<ApplyLine>('PUT', '/api/admin/tiers', d, (line) => line.progress && setProgress(line.progress));
        if (!last.applied) throw new ApiError('http', 500, 'tiers not applied', last.error?.message);
        setApplied(last.applied);
        setPreview(null);
      } finally {
        setProgress(null);
      }
      // The policy lives in the program's settings; members' tiers moved.
      await invalidate(keys.tiers, keys.members, keys.program, keys.rewards);
    },
    [invalidate, setApplied],
  );
  const form = useForm<TiersDraft, TiersDraft>(initial, parseDraft, save);
  const fingerprint = JSON.stringify(form.value);
  const previewed = preview?.of === fingerprint;
  const basis = form.value.policy.basis;
  const rewardOptions = (rewards.data?.rewards ?? []).map((r) => ({ label: r.name, value: r.id }));

  async function runPreview() {
    const checked = parseDraft(form.value);
    if (!checked.ok) {
      await form.submit(); // shows the errors; nothing is sent
      return;
    }
    setPreviewing(true);
    setApplied(null);
    try {
      const { preview: result } = await apiSend<{ preview: Preview }>('POST', '/api/admin/tiers/preview', toInput(form.value));
      setPreview({ of: fingerprint, result });
    } catch (error) {
      // The server's own checks (an entry reward that no longer exists…) show like the form's.
      if (error instanceof ApiError && error.fields) await form.submit();
      else throw error;
    } finally {
      setPreviewing(false);
    }
  }

  const setTiers = (tiers: TierDraft[]) => form.set('tiers', tiers);
  const options = (prefix: string, values: string[]) => values.map((v) => ({ value: v, label: t(`${prefix}${v}` as MessageKey) }));

  return (
    <div data-testid="tiers-form">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {form.errors.tiers ? <Banner tone="critical">{form.errors.tiers}</Banner> : null}
            {form.formError && !Object.keys(form.errors).length ? <Banner tone="critical">{form.formError}</Banner> : null}
            {applied ? (
              <div data-testid="tiers-applied">
                <Banner tone="success" title={t('Tiers.applied')}>
                  <p>
                    {t('Tiers.movedSummary', {
                      up: formatNumber(applied.up),
                      down: formatNumber(applied.down),
                      stay: formatNumber(applied.stay),
                    })}
                  </p>
                </Banner>
              </div>
            ) : null}
            {form.value.tiers.map((tier, i) => (
              <Card key={tier.id}>
                <div data-testid="tier-card" data-index={i}>
                  <FormLayout>
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        {tier.name || t('Tiers.unnamed')}
                      </Text>
                      <InlineStack gap="200" blockAlign="center">
                        <Badge>{t('Tiers.memberCount', { count: members[tier.id] ?? 0 })}</Badge>
                        <Button variant="plain" tone="critical" onClick={() => setTiers(form.value.tiers.filter((_, j) => j !== i))}>
                          {t('Forms.delete')}
                        </Button>
                      </InlineStack>
                    </InlineStack>
                    <FormLayout.Group>
                      <TextInput form={form} path={`tiers.${i}.name`} label={t('Tiers.name')} maxLength={60} />
                      {basis === 'amount-spent' ? (
                        <MoneyInput
                          form={form}
                          path={`tiers.${i}.threshold`}
                          label={t('Tiers.threshold')}
                          currency={currency}
                          digits={currencyDigits(currency)}
                        />
                      ) : (
                        <NumberInput
                          form={form}
                          path={`tiers.${i}.threshold`}
                          label={t('Tiers.threshold')}
                          suffix={t(`Tiers.unit_${basis}` as MessageKey)}
                        />
                      )}
                    </FormLayout.Group>
                    <FormLayout.Group>
                      <TextInput
                        form={form}
                        path={`tiers.${i}.perks.multiplier`}
                        label={t('Tiers.multiplier')}
                        helpText={t('Tiers.multiplierHelp')}
                      />
                      <NumberInput form={form} path={`tiers.${i}.perks.birthdayBonus`} label={t('Tiers.birthdayBonus')} />
                    </FormLayout.Group>
                    <CheckboxInput form={form} path={`tiers.${i}.perks.freeShipping`} label={t('Tiers.freeShipping')} />
                    <TextInput
                      form={form}
                      path={`tiers.${i}.perks.tag`}
                      label={t('Tiers.tag')}
                      helpText={t('Tiers.tagHelp')}
                      maxLength={40}
                    />
                    <Select
                      label={t('Tiers.entryReward')}
                      options={[{ label: t('Tiers.none'), value: '' }, ...rewardOptions]}
                      value={tier.perks.entryRewardId ?? ''}
                      onChange={(v) => form.set(`tiers.${i}.perks.entryRewardId`, v || null)}
                      error={form.errors[`tiers.${i}.perks.entryRewardId`]}
                    />
                    {tier.perks.rewardIds?.length ? (
                      <Text as="p" tone="subdued">
                        {t('Tiers.exclusiveRewardsList', {
                          rewards: tier.perks.rewardIds.map((id) => rewardOptions.find((r) => r.value === id)?.label ?? id).join(', '),
                        })}
                      </Text>
                    ) : null}
                  </FormLayout>
                </div>
              </Card>
            ))}
            <InlineStack>
              <Button onClick={() => setTiers([...form.value.tiers, newTier(form.value.tiers.length)])}>{t('Tiers.addTier')}</Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  {t('Tiers.policy')}
                </Text>
                <SelectInput
                  form={form}
                  path="policy.basis"
                  label={t('Tiers.basis')}
                  options={options('Tiers.basis_', ['points-earned', 'amount-spent', 'orders'])}
                />
                <SelectInput
                  form={form}
                  path="policy.period"
                  label={t('Tiers.period')}
                  options={options('Tiers.period_', ['lifetime', 'calendar-year', 'rolling-12-months'])}
                />
                <Select
                  label={t('Tiers.downgrade')}
                  options={options('Tiers.downgrade_', ['never', 'end-of-period', 'after-retention'])}
                  value={form.value.policy.downgrade.kind}
                  onChange={(kind) =>
                    form.set(
                      'policy.downgrade',
                      kind === 'after-retention' ? { kind, months: form.value.policy.downgrade.months ?? 12 } : { kind },
                    )
                  }
                />
                {form.value.policy.downgrade.kind === 'after-retention' ? (
                  <NumberInput form={form} path="policy.downgrade.months" label={t('Tiers.retentionMonths')} />
                ) : null}
              </FormLayout>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t('Tiers.impact')}
                </Text>
                <Text as="p" tone="subdued">
                  {t('Tiers.impactHelp')}
                </Text>
                <Button onClick={() => void runPreview().catch(() => undefined)} loading={previewing}>
                  {t('Tiers.preview')}
                </Button>
                {preview && previewed ? (
                  <div
                    data-testid="tiers-preview"
                    data-up={preview.result.up}
                    data-down={preview.result.down}
                    data-stay={preview.result.stay}
                  >
                    <BlockStack gap="200">
                      <InlineGrid columns={3} gap="200">
                        <Badge tone="success">{t('Tiers.up', { count: preview.result.up })}</Badge>
                        <Badge tone="warning">{t('Tiers.down', { count: preview.result.down })}</Badge>
                        <Badge>{t('Tiers.stay', { count: preview.result.stay })}</Badge>
                      </InlineGrid>
                      <DataTable
                        columnContentTypes={['text', 'numeric', 'numeric']}
                        headings={[t('Tiers.name'), t('Tiers.before'), t('Tiers.after')]}
                        rows={preview.result.byTier.map((r) => [r.name, formatNumber(r.before), formatNumber(r.after)])}
                      />
                      {preview.result.sample.length ? (
                        <DataTable
                          columnContentTypes={['text', 'text', 'text']}
                          headings={[t('Members.name'), t('Tiers.from'), t('Tiers.to')]}
                          rows={preview.result.sample.map((s) => [s.name || s.email || s.memberId, s.from ?? '—', s.to ?? '—'])}
                        />
                      ) : null}
                    </BlockStack>
                  </div>
                ) : null}
                <Button variant="primary" disabled={!previewed} loading={form.submitting} onClick={() => void form.submit()}>
                  {t('Tiers.apply')}
                </Button>
                {!previewed ? (
                  <Text as="p" tone="subdued">
                    {t('Tiers.previewFirst')}
                  </Text>
                ) : null}
                {progress ? (
                  <div data-testid="tiers-progress" data-stage={progress.stage} data-done={progress.done} data-total={progress.total}>
                    <BlockStack gap="100">
                      {/* Computing has no count yet: the bar waits at the start until members are written. */}
                      <ProgressBar
                        progress={progress.total ? (progress.done / progress.total) * 100 : 0}
                        size="small"
                        ariaLabelledBy="tiers-progress-label"
                      />
                      <Text as="p" variant="bodySm" tone="subdued" id="tiers-progress-label">
                        {progress.stage === 'computing'
                          ? t('Tiers.progressComputing')
                          : t('Tiers.progressWriting', { done: formatNumber(progress.done), total: formatNumber(progress.total) })}
                      </Text>
                    </BlockStack>
                  </div>
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </div>
  );
}

export default function Tiers() {
  const { t } = useI18n();
  const program = useProgram();
  const query = useTiers();
  const initial = useMemo(() => (query.data ? { tiers: query.data.tiers, policy: query.data.policy } : null), [query.data]);
  const [applied, setApplied] = useState<Moved | null>(null);
  if (query.isPending) return <SkeletonPage title={t('Tiers.title')} />;
  if (query.isError || !initial)
    return (
      <Page title={t('Tiers.title')}>
        <ApiErrorBanner title={t('Tiers.errorTitle')} error={query.error} onRetry={() => void query.refetch()} />
      </Page>
    );
  return (
    <div data-testid="tiers">
      <Page title={t('Tiers.title')} subtitle={t('Tiers.subtitle')}>
        <TiersForm
          key={query.dataUpdatedAt}
          initial={initial}
          members={query.data.members}
          currency={program.data?.shop.currencyCode ?? 'USD'}
          applied={applied}
          setApplied={setApplied}
        />
      </Page>
    </div>
  );
}
