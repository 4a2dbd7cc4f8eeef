// One survey's results (issue 21, ../shared/METRICS.md "Feedback"): the score
// with its formula (the standard and seed 001 forms, labelled, where they
// differ), respondents, the distribution and the trend by week or month, the
// score for members, non-members and each tier, and the comments.
import { lazy, Suspense, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  BlockStack,
  Button,
  Card,
  Collapsible,
  DataTable,
  InlineGrid,
  InlineStack,
  Page,
  Select,
  SkeletonBodyText,
  SkeletonPage,
  Text,
} from '@shopify/polaris';
import { apiGet } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { ScrollableTable } from '../components/analytics/ScrollableTable';
import { DateRangePicker, useDayRange } from '../components/DateRangePicker';
import { Comments } from '../components/feedback/Comments';
import { useSurveyActions } from '../components/feedback/useSurveyActions';
import {
  formatScore,
  headline,
  seedForm,
  SURVEYS_KEY,
  type Figures,
  type Survey,
  type SurveyResults,
  type SurveyType,
} from '../components/feedback/types';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';
import { useParams } from '../routes';

const FeedbackCharts = lazy(() => import('../components/feedback/FeedbackCharts'));

/** The score's headline and, for CSAT and CES, the seed 001 form beside it. */
function Score({ type, results }: { type: SurveyType; results: SurveyResults }) {
  const { t, locale, formatNumber } = useI18n();
  const [open, setOpen] = useState(false);
  const value = headline(type, results);
  const seed = seedForm(type, results);
  const figure = (testId: string, label: string, v: number | null, form: 'standard' | 'seed') => (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <div data-testid={testId} data-value={v ?? ''}>
        <Text as="p" variant="heading2xl">
          {formatScore(type, v, locale, form)}
        </Text>
      </div>
    </BlockStack>
  );
  return (
    <Card>
      <BlockStack gap="400">
        <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
          {type === 'poll' ? null : figure('survey-score', t(`Feedback.scoreName.${type}` as MessageKey), value, 'standard')}
          {type === 'csat' || type === 'ces'
            ? figure('survey-score-seed', t(`Feedback.seedName.${type}` as MessageKey), seed, 'seed')
            : null}
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm" tone="subdued">
              {t('Feedback.respondents')}
            </Text>
            <div data-testid="survey-respondents" data-value={results.respondents}>
              <Text as="p" variant="heading2xl">
                {formatNumber(results.respondents)}
              </Text>
            </div>
          </BlockStack>
          {results.nps ? (
            <div data-testid="nps-counts">
              <BlockStack gap="100">
                <Text as="p">{t('Feedback.promoters', { count: formatNumber(results.nps.promoters) })}</Text>
                <Text as="p">{t('Feedback.passives', { count: formatNumber(results.nps.passives) })}</Text>
                <Text as="p">{t('Feedback.detractors', { count: formatNumber(results.nps.detractors) })}</Text>
              </BlockStack>
            </div>
          ) : null}
        </InlineGrid>
        {type === 'poll' ? null : (
          <BlockStack gap="200">
            <InlineStack>
              <Button
                variant="plain"
                onClick={() => setOpen((o) => !o)}
                ariaExpanded={open}
                ariaControls="score-formula"
                disclosure={open ? 'up' : 'down'}
              >
                {t('Feedback.howCalculated')}
              </Button>
            </InlineStack>
            <Collapsible id="score-formula" open={open}>
              <div data-testid="score-formula">
                <BlockStack gap="100">
                  <Text as="p">
                    {type === 'csat' || type === 'ces' ? `${t('Feedback.standardForm')}: ` : ''}
                    {t(`Feedback.formula.${type}` as MessageKey)}
                  </Text>
                  {type === 'csat' || type === 'ces' ? (
                    <Text as="p">
                      {`${t('Feedback.seedFormLabel')}: `}
                      {t(`Feedback.formulaSeed.${type}` as MessageKey)}
                    </Text>
                  ) : null}
                  <Text as="p" variant="bodySm" tone="subdued">
                    {t('Feedback.formulaNote')}
                  </Text>
                </BlockStack>
              </div>
            </Collapsible>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

/** All, members, non-members and each tier: respondents and score (both forms where there are two). */
function Groups({ type, results }: { type: SurveyType; results: SurveyResults }) {
  const { t, locale, formatNumber } = useI18n();
  const two = type === 'csat' || type === 'ces';
  const row = (name: string, f: Figures) => [
    name,
    formatNumber(f.respondents),
    formatScore(type, headline(type, f), locale),
    ...(two ? [formatScore(type, seedForm(type, f), locale, 'seed')] : []),
  ];
  const rows = [
    row(t('Feedback.all'), results),
    row(t('Feedback.members'), results.members),
    row(t('Feedback.nonMembers'), results.nonMembers),
    ...results.byTier.map((tier) => row(t('Feedback.tierRow', { tier: tier.name ?? t('Feedback.noTier') }), tier)),
  ];
  return (
    <Card padding="0">
      <ScrollableTable testId="groups-table" label={t('Feedback.groups')}>
        <DataTable
          columnContentTypes={['text', 'numeric', 'numeric', ...(two ? (['numeric'] as const) : [])]}
          headings={[
            t('Feedback.group'),
            t('Feedback.respondents'),
            t(`Feedback.scoreName.${type}` as MessageKey),
            ...(two ? [t(`Feedback.seedName.${type}` as MessageKey)] : []),
          ]}
          rows={rows}
        />
      </ScrollableTable>
    </Card>
  );
}

export default function FeedbackSurvey() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const [range, setRange, ready] = useDayRange(90);
  const [interval, setInterval] = useState<'week' | 'month'>('week');
  const survey = useQuery({
    queryKey: [...SURVEYS_KEY, id],
    queryFn: ({ signal }) => apiGet<{ survey: Survey }>(`/api/admin/surveys/${id}`, { signal }),
  });
  const results = useQuery({
    queryKey: [...SURVEYS_KEY, id, 'results', range.from, range.to, interval],
    queryFn: ({ signal }) =>
      apiGet<SurveyResults>(`/api/admin/surveys/${id}/results?from=${range.from}&to=${range.to}&interval=${interval}`, { signal }),
    placeholderData: keepPreviousData,
    enabled: ready,
  });
  const { actions, banner } = useSurveyActions(survey.data?.survey);
  const error = survey.error ?? results.error;
  if (error) {
    return (
      <div data-testid="feedback-survey" data-state="error">
        <Page title={t('Feedback.title')} backAction={{ content: t('Feedback.title'), url: '/feedback' }}>
          <ApiErrorBanner
            title={t('Feedback.errorTitle')}
            error={error}
            onRetry={() => void (survey.error ? survey.refetch() : results.refetch())}
            retrying={survey.isFetching || results.isFetching}
          />
        </Page>
      </div>
    );
  }
  if (!survey.data || !results.data) {
    return (
      <div data-testid="feedback-survey" data-state="loading" aria-busy="true">
        <SkeletonPage backAction>
          <Card>
            <SkeletonBodyText lines={6} />
          </Card>
        </SkeletonPage>
      </div>
    );
  }
  const s = survey.data.survey;
  const choices = s.content.choices ?? [];
  return (
    <div data-testid="feedback-survey" data-state={results.isFetching ? 'refreshing' : 'ready'}>
      <Page
        title={s.name}
        subtitle={t('Feedback.detailSubtitle', {
          type: t(`Feedback.typeLong.${s.type}` as MessageKey),
          points: s.pointsForAnswer,
          days: s.periodDays,
        })}
        backAction={{ content: t('Feedback.title'), url: '/feedback' }}
        primaryAction={<DateRangePicker value={range} onChange={setRange} />}
        secondaryActions={actions}
      >
        <BlockStack gap="500">
          {banner}
          <Score type={s.type} results={results.data} />
          <section aria-label={t('Feedback.charts')} data-testid="charts">
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {t('Feedback.charts')}
                </Text>
                <div data-testid="interval">
                  <Select
                    label={t('Feedback.intervalLabel')}
                    labelInline
                    options={[
                      { label: t('Feedback.interval.week'), value: 'week' },
                      { label: t('Feedback.interval.month'), value: 'month' },
                    ]}
                    value={interval}
                    onChange={(v) => setInterval(v as 'week' | 'month')}
                  />
                </div>
              </InlineStack>
              <Suspense
                fallback={
                  <Card>
                    <SkeletonBodyText lines={10} />
                  </Card>
                }
              >
                <FeedbackCharts type={s.type} results={results.data} choices={choices} />
              </Suspense>
            </BlockStack>
          </section>
          {s.type === 'poll' ? null : (
            <section aria-label={t('Feedback.groups')} data-testid="groups">
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t('Feedback.groups')}
                </Text>
                <Groups type={s.type} results={results.data} />
              </BlockStack>
            </section>
          )}
          <Comments surveyId={s.id} type={s.type} range={range} choices={choices} />
        </BlockStack>
      </Page>
    </div>
  );
}
