// The reward catalogue: every type in the registry, created and edited here;
// each shows how often members redeemed it.
import { useCallback, useState } from 'react';
import {
  Badge,
  BlockStack,
  Card,
  ChoiceList,
  EmptyState,
  InlineStack,
  Page,
  ResourceItem,
  ResourceList,
  Text,
  Banner,
} from '@shopify/polaris';
import emptyStateImage from '../assets/empty-state.svg';
import { apiSend, ApiError } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { useSegmentChoices } from '../components/segment-choices';
import { TypePicker } from '../components/TypePicker';
import { DefinitionEditor, type DefinitionDraft } from '../components/DefinitionEditor';
import { NumberInput } from '../forms/fields';
import { NEW_REWARD_CONFIG, REWARD_FIELDS } from '../forms/config-fields';
import { useForm } from '../forms/useForm';
import { parseRewardInput } from '../../../loyalty/domain/forms';
import { currencyDigits } from '../../../loyalty/domain/money';
import type { MessageKey } from '../i18n';
import { formatMoney, keys, useInvalidate, useProgram, useRewards, useTiers, type Reward } from '../queries';
import { useI18n } from '../providers/I18nProvider';

interface RewardDraft extends DefinitionDraft {
  tierIds: string[];
  segmentIds: string[];
  limitPerMember: number | null;
}

const parseDraft = (d: RewardDraft) => parseRewardInput(d);

function RewardEditor({ draft, currency, onClose }: { draft: RewardDraft; currency: string; onClose(): void }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const save = useCallback(
    async (_: unknown, raw: RewardDraft) => {
      await (raw.id ? apiSend('PUT', `/api/admin/rewards/${raw.id}`, raw) : apiSend('POST', '/api/admin/rewards', raw));
      await invalidate(keys.rewards);
    },
    [invalidate],
  );
  const form = useForm(draft, parseDraft, save);
  const tiers = useTiers();
  const segments = useSegmentChoices();
  return (
    <DefinitionEditor
      open
      title={
        draft.id
          ? t('Rewards.editTitle', { name: draft.name })
          : t('Rewards.newTitle', { type: t(`RewardTypes.${draft.type}` as MessageKey) })
      }
      form={form}
      fields={REWARD_FIELDS[draft.type] ?? []}
      currency={currency}
      digits={currencyDigits(currency)}
      onClose={onClose}
      onDelete={
        draft.id
          ? () =>
              void apiSend('DELETE', `/api/admin/rewards/${draft.id}`)
                .then(() => invalidate(keys.rewards))
                .then(onClose)
                .catch((e) => setDeleteError(e instanceof ApiError ? (e.detail ?? e.message) : String(e)))
          : undefined
      }
      extra={
        <BlockStack gap="200">
          {deleteError ? <Banner tone="warning">{deleteError}</Banner> : null}
          <NumberInput form={form} path="limitPerMember" label={t('Rewards.limitPerMember')} helpText={t('Rewards.limitHelp')} nullable />
          {tiers.data?.tiers.length ? (
            <ChoiceList
              allowMultiple
              title={t('Rewards.tiers')}
              choices={tiers.data.tiers.map((tier) => ({ label: tier.name, value: tier.id }))}
              selected={form.value.tierIds}
              onChange={(ids) => form.set('tierIds', ids)}
              error={form.errors.tierIds}
            />
          ) : null}
          {segments.length ? (
            <ChoiceList
              allowMultiple
              title={t('Rewards.segmentsTarget')}
              choices={segments}
              selected={form.value.segmentIds ?? []}
              onChange={(ids) => form.set('segmentIds', ids)}
              error={form.errors.segmentIds}
            />
          ) : null}
        </BlockStack>
      }
    />
  );
}

export default function Rewards() {
  const { t, locale, formatNumber } = useI18n();
  const program = useProgram();
  const query = useRewards();
  const [editing, setEditing] = useState<RewardDraft | null>(null);
  const [choosing, setChoosing] = useState(false);
  const currency = program.data?.shop.currencyCode ?? 'USD';
  const digits = currencyDigits(currency);

  /** "500 points · 5.00 off" — what a shopper is offered. */
  const summary = (r: Reward) => {
    const c = r.config as Record<string, number | string | null>;
    const cost =
      typeof c.pointsCost === 'number'
        ? t('Rewards.cost', { points: formatNumber(c.pointsCost) })
        : t('Rewards.sliderCost', { min: formatNumber(Number(c.minPoints)), max: formatNumber(Number(c.maxPoints)) });
    const value =
      typeof c.amountMinor === 'number'
        ? formatMoney(locale, c.amountMinor, currency, digits)
        : typeof c.percentage === 'number'
          ? `${c.percentage}%`
          : '';
    return [cost, value].filter(Boolean).join(' · ');
  };

  const rewards = query.data?.rewards ?? [];
  return (
    <div data-testid="rewards">
      <Page
        title={t('Rewards.title')}
        subtitle={t('Rewards.subtitle')}
        primaryAction={{ content: t('Rewards.add'), onAction: () => setChoosing(true) }}
      >
        <BlockStack gap="400">
          {query.isError ? (
            <ApiErrorBanner title={t('Rewards.errorTitle')} error={query.error} onRetry={() => void query.refetch()} />
          ) : null}
          <Card padding="0">
            <ResourceList
              resourceName={{ singular: t('Rewards.singular'), plural: t('Rewards.plural') }}
              items={rewards}
              loading={query.isPending}
              emptyState={
                <EmptyState
                  heading={t('Rewards.emptyHeading')}
                  image={emptyStateImage}
                  action={{ content: t('Rewards.add'), onAction: () => setChoosing(true) }}
                >
                  <p>{t('Rewards.emptyBody')}</p>
                </EmptyState>
              }
              renderItem={(reward) => (
                <ResourceItem
                  id={reward.id}
                  onClick={() => setEditing({ ...reward, config: reward.config })}
                  accessibilityLabel={t('Rewards.editTitle', { name: reward.name })}
                >
                  <div data-testid="reward-row" data-name={reward.name}>
                    <InlineStack align="space-between" blockAlign="center" gap="200">
                      <BlockStack gap="100">
                        <Text as="h3" variant="bodyMd" fontWeight="semibold">
                          {reward.name}
                        </Text>
                        <Text as="p" tone="subdued">
                          {summary(reward)}
                        </Text>
                      </BlockStack>
                      <InlineStack gap="200">
                        <Badge>{t(`RewardTypes.${reward.type}` as MessageKey)}</Badge>
                        {reward.enabled ? <Badge tone="success">{t('Forms.on')}</Badge> : <Badge>{t('Forms.off')}</Badge>}
                        <Badge tone="info">{t('Rewards.redeemed', { count: reward.redemptions })}</Badge>
                      </InlineStack>
                    </InlineStack>
                  </div>
                </ResourceItem>
              )}
            />
          </Card>
        </BlockStack>
      </Page>
      {choosing ? (
        <TypePicker
          title={t('Rewards.chooseType')}
          types={Object.keys(REWARD_FIELDS)}
          label={(type) => t(`RewardTypes.${type}` as MessageKey)}
          onClose={() => setChoosing(false)}
          onPick={(type) => {
            setChoosing(false);
            setEditing({
              type,
              name: '',
              enabled: true,
              config: structuredClone(NEW_REWARD_CONFIG[type] ?? {}),
              tierIds: [],
              segmentIds: [],
              limitPerMember: null,
            });
          }}
        />
      ) : null}
      {editing ? (
        <RewardEditor key={editing.id ?? editing.type} draft={editing} currency={currency} onClose={() => setEditing(null)} />
      ) : null}
    </div>
  );
}
