// Earn rules (points per purchase, signup, birthday, custom actions…) and
// campaigns that multiply them for a while.
import { useCallback, useState } from 'react';
import {
  Badge,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  EmptyState,
  InlineStack,
  Modal,
  Page,
  Select,
  ResourceItem,
  ResourceList,
  Text,
  TextField,
  FormLayout,
  Banner,
} from '@shopify/polaris';
import emptyStateImage from '../assets/empty-state.svg';
import { apiSend, ApiError } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { useSegmentChoices } from '../components/segment-choices';
import { TypePicker } from '../components/TypePicker';
import { DefinitionEditor, type DefinitionDraft } from '../components/DefinitionEditor';
import { TextInput } from '../forms/fields';
import { NEW_RULE_CONFIG, RULE_FIELDS } from '../forms/config-fields';
import { useForm } from '../forms/useForm';
import { parseEarnRuleInput } from '../../../loyalty/domain/forms';
import { parseCampaign } from '../../../loyalty/domain/rules/campaigns';
import { currencyDigits } from '../../../loyalty/domain/money';
import type { MessageKey } from '../i18n';
import { keys, useEarnRules, useInvalidate, useProgram, type Campaign as CampaignRow, type EarnRule } from '../queries';
import { useI18n } from '../providers/I18nProvider';

interface RuleDraft extends DefinitionDraft {
  startsAt: string;
  endsAt: string;
}

const toInput = (d: RuleDraft) => ({ ...d, startsAt: d.startsAt || null, endsAt: d.endsAt || null });
const parseDraft = (d: RuleDraft) => parseEarnRuleInput(toInput(d));

function draftOf(rule: EarnRule): RuleDraft {
  return {
    id: rule.id,
    type: rule.type,
    name: rule.name,
    enabled: rule.enabled,
    config: rule.config,
    startsAt: rule.startsAt?.slice(0, 10) ?? '',
    endsAt: rule.endsAt?.slice(0, 10) ?? '',
  };
}

function RuleEditor({ draft, currency, onClose }: { draft: RuleDraft; currency: string; onClose(): void }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const [deleting, setDeleting] = useState(false);
  const save = useCallback(
    async (_: unknown, raw: RuleDraft) => {
      const body = toInput(raw);
      await (raw.id ? apiSend('PUT', `/api/admin/earn-rules/${raw.id}`, body) : apiSend('POST', '/api/admin/earn-rules', body));
      await invalidate(keys.rules);
    },
    [invalidate],
  );
  const form = useForm(draft, parseDraft, save);
  return (
    <DefinitionEditor
      open
      title={
        draft.id
          ? t('EarnRules.editTitle', { name: draft.name })
          : t('EarnRules.newTitle', { type: t(`RuleTypes.${draft.type}` as MessageKey) })
      }
      form={form}
      fields={RULE_FIELDS[draft.type] ?? []}
      currency={currency}
      digits={currencyDigits(currency)}
      onClose={onClose}
      deleting={deleting}
      onDelete={
        draft.id
          ? () => {
              setDeleting(true);
              void apiSend('DELETE', `/api/admin/earn-rules/${draft.id}`)
                .then(() => invalidate(keys.rules))
                .then(onClose)
                .finally(() => setDeleting(false));
            }
          : undefined
      }
      extra={
        <FormLayout.Group>
          <TextInput form={form} path="startsAt" label={t('EarnRules.startsAt')} helpText={t('EarnRules.dateHelp')} />
          <TextInput form={form} path="endsAt" label={t('EarnRules.endsAt')} helpText={t('EarnRules.dateHelp')} />
        </FormLayout.Group>
      }
    />
  );
}

interface CampaignDraft {
  name: string;
  multiplier: string;
  startsAt: string;
  endsAt: string;
  ruleTypes: string[];
  /** Only this segment's members earn the multiplier (a rule segment's id or an RFM handle); null: every member. */
  segmentId: string | null;
}

/** An instant as a datetime-local input shows it: the admin's local time, to the minute. */
const localInput = (iso: string) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

const NEW_CAMPAIGN: CampaignDraft = { name: '', multiplier: '2', startsAt: '', endsAt: '', ruleTypes: [], segmentId: null };

/** Creates a campaign, or edits `existing` (changes apply to orders from then on). */
function CampaignEditor({ existing, onClose }: { existing: CampaignRow | null; onClose(): void }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const save = useCallback(
    async (_: unknown, raw: CampaignDraft) => {
      // The inputs are local times; the server is told the instant.
      const instant = (local: string) => (Number.isNaN(Date.parse(local)) ? local : new Date(local).toISOString());
      const body = { ...raw, startsAt: instant(raw.startsAt), endsAt: instant(raw.endsAt) };
      if (existing) await apiSend('PUT', `/api/admin/campaigns/${encodeURIComponent(existing.id)}`, body);
      else await apiSend('POST', '/api/admin/campaigns', body);
      await invalidate(keys.rules);
    },
    [invalidate, existing],
  );
  const initial: CampaignDraft = existing
    ? {
        name: existing.name,
        multiplier: existing.multiplier,
        startsAt: localInput(existing.startsAt),
        endsAt: localInput(existing.endsAt),
        ruleTypes: existing.ruleTypes ?? [],
        // An RFM segment as the picker names it (its handle; the API may hold rfm:<handle>).
        segmentId: existing.segmentId?.replace(/^rfm:/, '') ?? null,
      }
    : NEW_CAMPAIGN;
  const form = useForm<CampaignDraft, unknown>(initial, parseCampaign, save);
  const segments = useSegmentChoices();
  return (
    <Modal
      open
      onClose={onClose}
      title={existing ? t('EarnRules.editCampaign', { name: existing.name }) : t('EarnRules.newCampaign')}
      primaryAction={{
        content: t('Forms.save'),
        loading: form.submitting,
        onAction: () => void form.submit().then((ok) => ok && onClose()),
      }}
      secondaryActions={[{ content: t('Forms.cancel'), onAction: onClose }]}
    >
      <Modal.Section>
        <FormLayout>
          {form.formError ? <Banner tone="critical">{form.formError}</Banner> : null}
          {existing ? <Banner tone="info">{t('EarnRules.editCampaignNote')}</Banner> : null}
          <TextInput form={form} path="name" label={t('Forms.name')} />
          <TextInput form={form} path="multiplier" label={t('EarnRules.multiplier')} helpText={t('EarnRules.multiplierHelp')} />
          <FormLayout.Group>
            <TextField
              label={t('EarnRules.startsAt')}
              type="datetime-local"
              value={form.value.startsAt}
              onChange={(v) => form.set('startsAt', v)}
              error={form.errors.startsAt}
              autoComplete="off"
            />
            <TextField
              label={t('EarnRules.endsAt')}
              type="datetime-local"
              value={form.value.endsAt}
              onChange={(v) => form.set('endsAt', v)}
              error={form.errors.endsAt}
              autoComplete="off"
            />
          </FormLayout.Group>
          <ChoiceList
            allowMultiple
            title={t('EarnRules.campaignRules')}
            choices={Object.keys(RULE_FIELDS).map((type) => ({ label: t(`RuleTypes.${type}` as MessageKey), value: type }))}
            selected={form.value.ruleTypes}
            onChange={(v) => form.set('ruleTypes', v)}
          />
          <Select
            label={t('EarnRules.campaignSegment')}
            options={[{ label: t('EarnRules.everyMember'), value: '' }, ...segments]}
            value={form.value.segmentId ?? ''}
            onChange={(v) => form.set('segmentId', v || null)}
            error={form.errors.segmentId}
          />
        </FormLayout>
      </Modal.Section>
    </Modal>
  );
}

export default function EarnRules() {
  const { t, locale } = useI18n();
  const invalidate = useInvalidate();
  const program = useProgram();
  const query = useEarnRules();
  const [editing, setEditing] = useState<RuleDraft | null>(null);
  const [choosing, setChoosing] = useState(false);
  // null: closed; 'new', or the campaign being edited.
  const [campaign, setCampaign] = useState<CampaignRow | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const currency = program.data?.shop.currencyCode ?? 'USD';
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

  async function toggle(rule: EarnRule) {
    setError(null);
    try {
      await apiSend('PUT', `/api/admin/earn-rules/${rule.id}`, { ...rule, enabled: !rule.enabled });
      await invalidate(keys.rules);
    } catch (e) {
      setError(e);
    }
  }

  const rules = query.data?.rules ?? [];
  const campaigns = query.data?.campaigns ?? [];
  return (
    <div data-testid="earn-rules">
      <Page
        title={t('EarnRules.title')}
        subtitle={t('EarnRules.subtitle')}
        primaryAction={{ content: t('EarnRules.add'), onAction: () => setChoosing(true) }}
      >
        <BlockStack gap="400">
          {query.isError ? (
            <ApiErrorBanner title={t('EarnRules.errorTitle')} error={query.error} onRetry={() => void query.refetch()} />
          ) : null}
          {error ? <Banner tone="critical">{error instanceof ApiError ? (error.detail ?? error.message) : String(error)}</Banner> : null}
          <Card padding="0">
            <ResourceList
              resourceName={{ singular: t('EarnRules.singular'), plural: t('EarnRules.plural') }}
              items={rules}
              loading={query.isPending}
              emptyState={
                <EmptyState
                  heading={t('EarnRules.emptyHeading')}
                  image={emptyStateImage}
                  action={{ content: t('EarnRules.add'), onAction: () => setChoosing(true) }}
                >
                  <p>{t('EarnRules.emptyBody')}</p>
                </EmptyState>
              }
              renderItem={(rule) => (
                <ResourceItem
                  id={rule.id}
                  onClick={() => setEditing(draftOf(rule))}
                  accessibilityLabel={t('EarnRules.editTitle', { name: rule.name })}
                >
                  <InlineStack align="space-between" blockAlign="center" gap="200">
                    <BlockStack gap="100">
                      <Text as="h3" variant="bodyMd" fontWeight="semibold">
                        {rule.name}
                      </Text>
                      <InlineStack gap="200">
                        <Badge>{t(`RuleTypes.${rule.type}` as MessageKey)}</Badge>
                        {rule.enabled ? <Badge tone="success">{t('Forms.on')}</Badge> : <Badge>{t('Forms.off')}</Badge>}
                      </InlineStack>
                    </BlockStack>
                    {/* The switch acts alone; the rest of the row opens the editor. */}
                    <div onClick={(e) => e.stopPropagation()}>
                      <Button onClick={() => void toggle(rule)}>{rule.enabled ? t('Forms.turnOff') : t('Forms.turnOn')}</Button>
                    </div>
                  </InlineStack>
                </ResourceItem>
              )}
            />
          </Card>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between">
                <Text as="h2" variant="headingMd">
                  {t('EarnRules.campaigns')}
                </Text>
                <Button onClick={() => setCampaign('new')}>{t('EarnRules.newCampaign')}</Button>
              </InlineStack>
              {campaigns.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t('EarnRules.noCampaigns')}
                </Text>
              ) : null}
              {campaigns.map((c) => (
                <InlineStack key={c.id} align="space-between" blockAlign="center">
                  <Text as="p">
                    {t('EarnRules.campaignLine', {
                      name: c.name,
                      multiplier: c.multiplier,
                      from: when.format(new Date(c.startsAt)),
                      to: when.format(new Date(c.endsAt)),
                    })}
                  </Text>
                  <InlineStack gap="300">
                    <Button
                      variant="plain"
                      onClick={() => setCampaign(c)}
                      accessibilityLabel={t('EarnRules.editCampaign', { name: c.name })}
                    >
                      {t('Forms.edit')}
                    </Button>
                    <Button
                      variant="plain"
                      tone="critical"
                      onClick={() => void apiSend('DELETE', `/api/admin/campaigns/${c.id}`).then(() => invalidate(keys.rules))}
                    >
                      {t('Forms.delete')}
                    </Button>
                  </InlineStack>
                </InlineStack>
              ))}
            </BlockStack>
          </Card>
        </BlockStack>
      </Page>
      {choosing ? (
        <TypePicker
          title={t('EarnRules.chooseType')}
          types={Object.keys(RULE_FIELDS)}
          label={(type) => t(`RuleTypes.${type}` as MessageKey)}
          onClose={() => setChoosing(false)}
          onPick={(type) => {
            setChoosing(false);
            setEditing({
              type,
              name: t(`RuleTypes.${type}` as MessageKey),
              enabled: true,
              config: structuredClone(NEW_RULE_CONFIG[type] ?? {}),
              startsAt: '',
              endsAt: '',
            });
          }}
        />
      ) : null}
      {editing ? (
        <RuleEditor key={editing.id ?? editing.type} draft={editing} currency={currency} onClose={() => setEditing(null)} />
      ) : null}
      {campaign ? (
        <CampaignEditor
          key={campaign === 'new' ? 'new' : campaign.id}
          existing={campaign === 'new' ? null : campaign}
          onClose={() => setCampaign(null)}
        />
      ) : null}
    </div>
  );
}
