// Segments: the eleven RFM segments (members, revenue share, movement since
// last week), the merchant's rule segments, and the builder — conditions
// joined by all/any over the fields of web/segments/rules.ts, with the count
// and a sample of members following every change (POST /segments/preview).
// Each segment can be synced to Shopify (its members tagged
// tally-segment:<handle>, and a Shopify customer segment on that tag).
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  InlineStack,
  Layout,
  Page,
  Select,
  SkeletonPage,
  Text,
  TextField,
} from '@shopify/polaris';
import { ApiError, apiGet, apiSend } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';
import { useInvalidate, useTiers } from '../queries';
import { RFM_SEGMENTS } from '../../../segments/rfm-segments';

interface Segment {
  id: string;
  handle: string;
  name: string;
  kind: 'rfm' | 'rules';
  members: number;
  revenueShare?: number;
  movement?: { since: string; customers: number; members: number } | null;
  computedAt?: string | null;
  rules?: Tree;
  syncToShopify?: boolean;
  shopifySegmentId?: string | null;
}
interface SampleMember {
  id: string;
  customerId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}
type Op = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains';
interface Condition {
  field: string;
  op: Op;
  value: unknown;
}
type Tree = { all: Condition[] } | { any: Condition[] };

const segmentsKey = ['admin', 'segments'] as const;

// The fields of web/segments/rules.ts and the operators each takes.
type Kind = 'integer' | 'text' | 'boolean' | 'tags' | 'rfm' | 'nps' | 'month' | 'tier';
const NPS_BANDS = ['promoter', 'passive', 'detractor'] as const;
const FIELDS: Array<{ field: string; kind: Kind }> = [
  { field: 'tier', kind: 'tier' },
  { field: 'pointsAvailable', kind: 'integer' },
  { field: 'pointsPending', kind: 'integer' },
  { field: 'lifetimeEarned', kind: 'integer' },
  { field: 'ordersCount', kind: 'integer' },
  { field: 'netSalesMinor', kind: 'integer' },
  { field: 'daysSinceLastOrder', kind: 'integer' },
  { field: 'daysSinceFirstOrder', kind: 'integer' },
  { field: 'rfmSegment', kind: 'rfm' },
  { field: 'country', kind: 'text' },
  { field: 'birthdayMonth', kind: 'month' },
  { field: 'emailConsent', kind: 'boolean' },
  { field: 'npsBand', kind: 'nps' },
  { field: 'tags', kind: 'tags' },
];
const OPS: Record<Kind, Op[]> = {
  integer: ['gte', 'gt', 'eq', 'neq', 'lt', 'lte'],
  text: ['eq', 'neq'],
  tier: ['eq', 'neq'],
  rfm: ['eq', 'neq'],
  nps: ['eq', 'neq'],
  month: ['eq', 'neq', 'gte', 'lte'],
  boolean: ['eq'],
  tags: ['contains'],
};
const kindOf = (field: string): Kind => FIELDS.find((f) => f.field === field)?.kind ?? 'integer';
const defaultValue = (kind: Kind, tier?: string): unknown =>
  kind === 'integer'
    ? 0
    : kind === 'boolean'
      ? true
      : kind === 'rfm'
        ? 'champions'
        : kind === 'nps'
          ? 'detractor'
          : kind === 'month'
            ? 1
            : kind === 'tier'
              ? (tier ?? '')
              : '';

function ConditionRow({
  index,
  condition,
  onChange,
  onRemove,
  tiers,
  error,
}: {
  index: number;
  condition: Condition;
  onChange(c: Condition): void;
  onRemove(): void;
  tiers: Array<{ id: string; name: string }>;
  error?: string;
}) {
  const { t } = useI18n();
  const kind = kindOf(condition.field);
  const n = index + 1;
  const fieldOptions = FIELDS.map((f) => ({ label: t(`Segments.fields.${f.field}` as MessageKey), value: f.field }));
  const opOptions = OPS[kind].map((op) => ({ label: t(`Segments.ops.${op}` as MessageKey), value: op }));
  let value;
  const label = t('Segments.valueLabel', { n });
  if (kind === 'integer') {
    value = (
      <TextField
        label={label}
        labelHidden
        type="number"
        autoComplete="off"
        value={String(condition.value ?? '')}
        error={error}
        onChange={(v) => onChange({ ...condition, value: v === '' ? '' : Number(v) })}
      />
    );
  } else if (kind === 'boolean') {
    value = (
      <Select
        label={label}
        labelHidden
        options={[
          { label: t('Segments.yes'), value: 'true' },
          { label: t('Segments.no'), value: 'false' },
        ]}
        value={String(condition.value)}
        onChange={(v) => onChange({ ...condition, value: v === 'true' })}
      />
    );
  } else if (kind === 'rfm') {
    value = (
      <Select
        label={label}
        labelHidden
        options={RFM_SEGMENTS.map((h) => ({ label: t(`Segments.rfm.${h}` as MessageKey), value: h }))}
        value={String(condition.value)}
        onChange={(v) => onChange({ ...condition, value: v })}
      />
    );
  } else if (kind === 'nps') {
    value = (
      <Select
        label={label}
        labelHidden
        options={NPS_BANDS.map((b) => ({ label: t(`Segments.nps.${b}`), value: b }))}
        value={String(condition.value)}
        onChange={(v) => onChange({ ...condition, value: v })}
      />
    );
  } else if (kind === 'month') {
    value = (
      <Select
        label={label}
        labelHidden
        options={Array.from({ length: 12 }, (_, i) => ({ label: String(i + 1), value: String(i + 1) }))}
        value={String(condition.value)}
        onChange={(v) => onChange({ ...condition, value: Number(v) })}
      />
    );
  } else if (kind === 'tier') {
    value = (
      <Select
        label={label}
        labelHidden
        options={tiers.map((tier) => ({ label: tier.name, value: tier.id }))}
        value={String(condition.value)}
        onChange={(v) => onChange({ ...condition, value: v })}
      />
    );
  } else {
    value = (
      <TextField
        label={label}
        labelHidden
        autoComplete="off"
        value={String(condition.value ?? '')}
        error={error}
        onChange={(v) => onChange({ ...condition, value: kind === 'text' ? v.toUpperCase() : v })}
      />
    );
  }
  return (
    <InlineStack gap="200" blockAlign="start" wrap={false}>
      <div style={{ minWidth: 200 }}>
        <Select
          label={t('Segments.fieldLabel', { n })}
          labelHidden
          options={fieldOptions}
          value={condition.field}
          onChange={(field) => {
            const k = kindOf(field);
            onChange({ field, op: OPS[k][0]!, value: defaultValue(k, tiers[0]?.id) });
          }}
        />
      </div>
      <div style={{ minWidth: 120 }}>
        <Select
          label={t('Segments.opLabel', { n })}
          labelHidden
          options={opOptions}
          value={condition.op}
          onChange={(op) => onChange({ ...condition, op: op as Op })}
        />
      </div>
      <div style={{ flex: 1, minWidth: 140 }}>{value}</div>
      <Button onClick={onRemove} accessibilityLabel={t('Segments.removeCondition', { n })}>
        {t('Segments.remove')}
      </Button>
    </InlineStack>
  );
}

/** The builder: name, all/any, conditions, live count and sample, save. */
function Builder({ editing, onDone }: { editing: Segment | null; onDone(): void }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const tiers = useTiers();
  const tierList = (tiers.data?.tiers ?? []) as Array<{ id: string; name: string }>;
  const initial = editing?.rules;
  const [name, setName] = useState(editing?.name ?? '');
  const [join, setJoin] = useState<'all' | 'any'>(initial && 'any' in initial ? 'any' : 'all');
  const [conditions, setConditions] = useState<Condition[]>(
    initial ? ('any' in initial ? initial.any : initial.all) : [{ field: 'pointsAvailable', op: 'gte', value: 500 }],
  );
  const [sync, setSync] = useState(editing?.syncToShopify ?? false);
  const [preview, setPreview] = useState<{ count: number; sample: SampleMember[] } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const rules: Tree = join === 'all' ? { all: conditions } : { any: conditions };
  const rulesKey = JSON.stringify(rules);

  // The live preview: a moment after the last change, the count and a sample for these conditions.
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      apiSend<{ count: number; sample: SampleMember[] }>('POST', '/api/admin/segments/preview', { rules: JSON.parse(rulesKey) })
        .then((answer) => {
          if (controller.signal.aborted) return;
          setPreview(answer);
          setFieldErrors({});
        })
        .catch((error) => {
          if (controller.signal.aborted) return;
          setPreview(null);
          setFieldErrors(error instanceof ApiError ? ((error.fields ?? {}) as Record<string, string>) : {});
        });
    }, 250);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [rulesKey]);

  const errorFor = (i: number) => fieldErrors[`rules.${join}.${i}.value`] ?? fieldErrors[`rules.${join}.${i}.field`];
  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const body = { name, rules, syncToShopify: sync };
      if (editing) await apiSend('PUT', `/api/admin/segments/${editing.id}`, body);
      else await apiSend('POST', '/api/admin/segments', body);
      await invalidate(segmentsKey);
      onDone();
    } catch (error) {
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {editing ? t('Segments.editTitle', { name: editing.name }) : t('Segments.newTitle')}
        </Text>
        {saveError ? <ApiErrorBanner title={t('Segments.saveFailed')} error={saveError} /> : null}
        <TextField label={t('Segments.name')} value={name} onChange={setName} autoComplete="off" />
        <Select
          label={t('Segments.match')}
          options={[
            { label: t('Segments.matchAll'), value: 'all' },
            { label: t('Segments.matchAny'), value: 'any' },
          ]}
          value={join}
          onChange={(v) => setJoin(v as 'all' | 'any')}
        />
        <BlockStack gap="200">
          {conditions.map((c, i) => (
            <ConditionRow
              key={i}
              index={i}
              condition={c}
              tiers={tierList}
              error={errorFor(i)}
              onChange={(next) => setConditions(conditions.map((old, j) => (j === i ? next : old)))}
              onRemove={() => setConditions(conditions.filter((_, j) => j !== i))}
            />
          ))}
          <InlineStack>
            <Button onClick={() => setConditions([...conditions, { field: 'ordersCount', op: 'gte', value: 1 }])}>
              {t('Segments.addCondition')}
            </Button>
          </InlineStack>
        </BlockStack>
        <Card background="bg-surface-secondary">
          <BlockStack gap="200">
            <div data-testid="segment-preview-count" aria-live="polite">
              <Text as="p" variant="headingSm">
                {preview ? t('Segments.previewCount', { count: preview.count }) : t('Segments.previewPending')}
              </Text>
            </div>
            {preview && preview.sample.length > 0 ? (
              <ul data-testid="segment-preview-sample" style={{ margin: 0, paddingInlineStart: 20 }}>
                {preview.sample.map((m) => (
                  <li key={m.id}>
                    <Text as="span" variant="bodySm">
                      {[m.firstName, m.lastName].filter(Boolean).join(' ') || m.email || m.customerId}
                    </Text>
                  </li>
                ))}
              </ul>
            ) : null}
          </BlockStack>
        </Card>
        <Checkbox label={t('Segments.syncLabel')} helpText={t('Segments.syncHelp')} checked={sync} onChange={setSync} />
        <InlineStack gap="200">
          <Button variant="primary" onClick={() => void save()} loading={saving} disabled={!name.trim() || !preview}>
            {t('Segments.save')}
          </Button>
          <Button onClick={onDone}>{t('Segments.cancel')}</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function Movement({ movement }: { movement: Segment['movement'] }) {
  const { t } = useI18n();
  if (!movement) return <Text as="span">{t('Segments.noMovement')}</Text>;
  const n = movement.members;
  return <Badge tone={n > 0 ? 'success' : n < 0 ? 'critical' : undefined}>{n > 0 ? `+${n}` : n === 0 ? '±0' : `−${Math.abs(n)}`}</Badge>;
}

export default function Segments() {
  const { t, locale } = useI18n();
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<Segment | 'new' | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [refreshQueued, setRefreshQueued] = useState(false);
  const segments = useQuery({
    queryKey: segmentsKey,
    queryFn: ({ signal }) => apiGet<{ segments: Segment[] }>('/api/admin/segments', { signal }),
  });
  if (segments.isPending) return <SkeletonPage title={t('Segments.title')} />;
  const all = segments.data?.segments ?? [];
  const rfm = all.filter((s) => s.kind === 'rfm');
  const rules = all.filter((s) => s.kind === 'rules');
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const count = new Intl.NumberFormat(locale);

  const act = async (work: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await work();
      await invalidate(segmentsKey);
    } catch (error) {
      setActionError(error);
    }
  };
  const toggleSync = (s: Segment, on: boolean) => act(() => apiSend('PUT', `/api/admin/segments/${s.id}`, { syncToShopify: on }));
  const syncBox = (s: Segment) => (
    <Checkbox
      label={t('Segments.syncShort', { name: s.name })}
      labelHidden
      checked={s.syncToShopify ?? false}
      onChange={(on) => void toggleSync(s, on)}
    />
  );

  return (
    <Page
      title={t('Segments.title')}
      subtitle={t('Segments.subtitle')}
      primaryAction={{ content: t('Segments.new'), onAction: () => setEditing('new'), disabled: editing !== null }}
      secondaryActions={[
        {
          content: t('Segments.refresh'),
          onAction: () =>
            void act(async () => {
              await apiSend('POST', '/api/admin/segments/refresh', {});
              setRefreshQueued(true);
            }),
        },
      ]}
    >
      <Layout>
        {segments.error ? (
          <Layout.Section>
            <ApiErrorBanner title={t('Segments.loadFailed')} error={segments.error} onRetry={() => void segments.refetch()} />
          </Layout.Section>
        ) : null}
        {actionError ? (
          <Layout.Section>
            <ApiErrorBanner title={t('Segments.actionFailed')} error={actionError} />
          </Layout.Section>
        ) : null}
        {refreshQueued ? (
          <Layout.Section>
            <Banner tone="info" onDismiss={() => setRefreshQueued(false)}>
              {t('Segments.refreshQueued')}
            </Banner>
          </Layout.Section>
        ) : null}
        {editing ? (
          <Layout.Section>
            <Builder
              key={editing === 'new' ? 'new' : editing.id}
              editing={editing === 'new' ? null : editing}
              onDone={() => setEditing(null)}
            />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            <BlockStack gap="0">
              <div style={{ padding: 'var(--p-space-400)' }}>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    {t('Segments.rfmTitle')}
                  </Text>
                  <Text as="p" tone="subdued">
                    {rfm[0]?.computedAt
                      ? t('Segments.rfmComputed', { at: new Date(rfm[0].computedAt).toLocaleString(locale) })
                      : t('Segments.rfmNever')}
                  </Text>
                </BlockStack>
              </div>
              <DataTable
                columnContentTypes={['text', 'numeric', 'numeric', 'numeric', 'text']}
                headings={[
                  t('Segments.segment'),
                  t('Segments.members'),
                  t('Segments.revenueShare'),
                  t('Segments.movement'),
                  t('Segments.sync'),
                ]}
                rows={rfm.map((s) => [
                  <span key="n" data-testid={`rfm-${s.handle}`}>
                    {t(`Segments.rfm.${s.handle}` as MessageKey)}
                  </span>,
                  count.format(s.members),
                  pct.format(s.revenueShare ?? 0),
                  <Movement key="m" movement={s.movement} />,
                  syncBox(s),
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t('Segments.rulesTitle')}
              </Text>
              {rules.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t('Segments.rulesEmpty')}
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={['text', 'numeric', 'text', 'text']}
                  headings={[t('Segments.segment'), t('Segments.members'), t('Segments.sync'), '']}
                  rows={rules.map((s) => [
                    <span key="n" data-testid={`segment-${s.handle}`}>
                      {s.name}
                    </span>,
                    count.format(s.members),
                    <InlineStack key="s" gap="200" blockAlign="center">
                      {syncBox(s)}
                      {s.syncToShopify ? (
                        <Badge tone={s.shopifySegmentId ? 'success' : 'attention'}>
                          {s.shopifySegmentId ? t('Segments.inShopify') : t('Segments.syncing')}
                        </Badge>
                      ) : null}
                    </InlineStack>,
                    <InlineStack key="a" gap="200">
                      <Button onClick={() => setEditing(s)} accessibilityLabel={t('Segments.editNamed', { name: s.name })}>
                        {t('Segments.edit')}
                      </Button>
                      <Button
                        tone="critical"
                        onClick={() => void act(() => apiSend('DELETE', `/api/admin/segments/${s.id}`))}
                        accessibilityLabel={t('Segments.deleteNamed', { name: s.name })}
                      >
                        {t('Segments.delete')}
                      </Button>
                    </InlineStack>,
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
