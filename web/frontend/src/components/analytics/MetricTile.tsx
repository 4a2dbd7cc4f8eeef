// One figure of the Analytics page: all customers (large), members and
// non-members beneath, each with its change against the previous period, a
// reason instead of a number when there is no data, and "How is this
// calculated?" opening the formula of ../shared/METRICS.md (both forms,
// labelled, where the seed's differs from the industry's).
import { useId, useState } from 'react';
import { Badge, BlockStack, Box, Button, Card, Collapsible, InlineStack, Text } from '@shopify/polaris';
import { useI18n } from '../../providers/I18nProvider';
import type { AnalyticsFormat, Change } from './format';
import { metricText, type Better, type MetricDef, type MetricKey } from './metrics';
import type { Segment } from './types';

export interface TileFigure {
  segment: Segment | 'program';
  value: number | null;
  previous: number | null | undefined;
}

function ChangeText({ change, better }: { change: Change | null; better: Better }) {
  const { t } = useI18n();
  if (!change) {
    return (
      <Text as="span" variant="bodySm" tone="subdued">
        {t('Analytics.noPrevious')}
      </Text>
    );
  }
  const good = better === 'neutral' || change.sign === 0 ? null : change.sign > 0 === (better === 'up');
  const arrow = change.sign > 0 ? '↑' : change.sign < 0 ? '↓' : '';
  return (
    <Text as="span" variant="bodySm" tone={good === null ? 'subdued' : good ? 'success' : 'critical'}>
      <span aria-hidden="true">{arrow} </span>
      {change.text}
      <span className="Polaris-Text--visuallyHidden"> {t('Analytics.vsPrevious')}</span>
    </Text>
  );
}

export function MetricTile<K extends MetricKey>({
  def,
  figures,
  format,
  windowDays,
}: {
  def: MetricDef<K>;
  /** The first is the headline (all customers, or the program's figure). */
  figures: TileFigure[];
  format: AnalyticsFormat;
  windowDays: number;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const id = useId();
  const text = metricText(def.key);
  const [head, ...rest] = figures;
  if (!head) return null;
  const anyNull = figures.some((f) => f.value === null);
  const vars = { days: windowDays };
  return (
    <div data-testid={`tile-${def.key}`} style={{ height: '100%' }}>
      <Card>
        <BlockStack gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingSm">
              {t(text.label)}
            </Text>
            {def.estimate ? <Badge tone="attention">{t('Analytics.estimate')}</Badge> : null}
          </InlineStack>
          <div>
            {rest.length ? (
              <Text as="p" variant="bodySm" tone="subdued">
                {t('Analytics.all')}
              </Text>
            ) : null}
            <InlineStack gap="200" blockAlign="baseline" wrap>
              <span data-testid="figure" data-segment={head.segment} data-value={head.value ?? ''}>
                <Text as="span" variant="headingXl">
                  {format.value(def.kind, head.value)}
                </Text>
              </span>
              <ChangeText change={format.change(def.kind, head.value, head.previous)} better={def.better} />
            </InlineStack>
          </div>
          {rest.length ? (
            <BlockStack gap="100">
              {rest.map((f) => (
                <InlineStack key={f.segment} gap="200" align="space-between" blockAlign="baseline" wrap={false}>
                  <Text as="span" variant="bodySm">
                    {t(f.segment === 'members' ? 'Analytics.members' : 'Analytics.nonMembers')}
                  </Text>
                  <InlineStack gap="200" blockAlign="baseline" wrap={false}>
                    <span data-testid="figure" data-segment={f.segment} data-value={f.value ?? ''}>
                      <Text as="span" variant="bodyMd" fontWeight="semibold">
                        {format.value(def.kind, f.value)}
                      </Text>
                    </span>
                    <ChangeText change={format.change(def.kind, f.value, f.previous)} better={def.better} />
                  </InlineStack>
                </InlineStack>
              ))}
            </BlockStack>
          ) : null}
          {anyNull ? (
            <div data-testid="no-data-reason">
              <Text as="p" variant="bodySm" tone="subdued">
                {t('Analytics.noDataReason', { reason: t(text.empty, vars) })}
              </Text>
            </div>
          ) : null}
          <div>
            <Button
              variant="plain"
              onClick={() => setOpen((o) => !o)}
              ariaExpanded={open}
              ariaControls={id}
              disclosure={open ? 'up' : 'down'}
            >
              {t('Analytics.howCalculated')}
            </Button>
          </div>
          <Collapsible id={id} open={open} transition={{ duration: '0ms' }}>
            <div data-testid="formula">
              <Box paddingBlockStart="100">
                <BlockStack gap="200">
                  {def.twoForms ? (
                    <>
                      <BlockStack gap="050">
                        <Text as="p" variant="bodySm" fontWeight="semibold">
                          {t(text.formulaLabel)}
                        </Text>
                        <Text as="p" variant="bodySm">
                          {t(text.formula, vars)}
                        </Text>
                      </BlockStack>
                      <BlockStack gap="050">
                        <Text as="p" variant="bodySm" fontWeight="semibold">
                          {t(text.alternativeLabel)}
                        </Text>
                        <Text as="p" variant="bodySm">
                          {t(text.alternative, vars)}
                        </Text>
                      </BlockStack>
                    </>
                  ) : (
                    <Text as="p" variant="bodySm">
                      {t(text.formula, vars)}
                    </Text>
                  )}
                </BlockStack>
              </Box>
            </div>
          </Collapsible>
        </BlockStack>
      </Card>
    </div>
  );
}
