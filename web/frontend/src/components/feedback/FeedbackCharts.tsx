// A survey's charts, in a chunk of their own (Polaris Viz is heavy): how many
// answered each value of the scale (bars; a CLI's three questions side by
// side, a poll's choices), and the score by week or month (a line). Each has
// its figures as a table for screen readers (Charts.tsx).
import { BlockStack, Card, InlineGrid, Text } from '@shopify/polaris';
import { ChartsProvider, ColumnChart, TrendChart, type Series } from '../Charts';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../providers/I18nProvider';
import { headline, type SurveyResults, type SurveyType } from './types';

export default function FeedbackCharts({ type, results, choices }: { type: SurveyType; results: SurveyResults; choices: string[] }) {
  const { t, locale } = useI18n();
  const keys = Object.keys(results.distribution);
  const valueLabel = (v: number) => (type === 'poll' ? (choices[v] ?? String(v)) : String(v));
  const distribution: Series[] = keys.map((key) => ({
    name: keys.length > 1 ? t(`Feedback.questions.${key}` as MessageKey) : t('Feedback.answers'),
    data: (results.distribution[key] ?? []).map((d) => ({ key: valueLabel(d.value), value: d.count })),
  }));
  const label = new Intl.DateTimeFormat(
    locale,
    results.interval === 'month'
      ? { month: 'short', year: '2-digit', timeZone: 'UTC' }
      : { month: 'short', day: 'numeric', timeZone: 'UTC' },
  );
  const trend: Series[] = [
    {
      name: t('Feedback.score'),
      // Periods nobody answered in have no score: left out, not drawn as 0.
      data: results.trend
        .filter((p) => p.respondents > 0)
        .map((p) => ({ key: label.format(new Date(`${p.start}T00:00:00Z`)), value: headline(type, p) ?? 0 })),
    },
  ];
  return (
    <ChartsProvider>
      <InlineGrid columns={{ xs: 1, md: type === 'poll' ? 1 : 2 }} gap="400">
        <Card>
          <BlockStack gap="300">
            <Text as="h3" variant="headingSm">
              {t('Feedback.distribution')}
            </Text>
            <div data-testid="distribution-chart">
              <ColumnChart caption={t('Feedback.distribution')} series={distribution} emptyText={t('Feedback.noAnswers')} />
            </div>
          </BlockStack>
        </Card>
        {type === 'poll' ? null : (
          <Card>
            <BlockStack gap="300">
              <BlockStack gap="050">
                <Text as="h3" variant="headingSm">
                  {t('Feedback.trend')}
                </Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  {t(`Feedback.interval.${results.interval}` as MessageKey)}
                </Text>
              </BlockStack>
              <div data-testid="trend-chart">
                <TrendChart caption={t('Feedback.trend')} series={trend} emptyText={t('Feedback.noAnswers')} />
              </div>
            </BlockStack>
          </Card>
        )}
      </InlineGrid>
    </ChartsProvider>
  );
}
