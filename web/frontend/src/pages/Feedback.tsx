// Feedback (issue 21): the shop's surveys — NPS, CSAT, CES, the Customer
// Loyalty Index and polls — with their status, answers and score over the
// chosen range, and "Create survey". Each opens its results (Feedback.$id.tsx).
import { useState } from 'react';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Card, DataTable, EmptyState, Page, SkeletonBodyText, Text } from '@shopify/polaris';
import { apiGet } from '../api';
import emptyStateImage from '../assets/empty-state.svg';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { DateRangePicker, useDayRange } from '../components/DateRangePicker';
import { CreateSurvey } from '../components/feedback/CreateSurvey';
import { formatScore, headline, SURVEYS_KEY, type Survey, type SurveyResults } from '../components/feedback/types';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';
import { RouterLink, useRouter } from '../router';

export default function Feedback() {
  const { t, locale, formatNumber } = useI18n();
  const { navigate } = useRouter();
  const client = useQueryClient();
  const [range, setRange, ready] = useDayRange(90);
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    queryKey: SURVEYS_KEY,
    queryFn: ({ signal }) => apiGet<{ surveys: Survey[] }>('/api/admin/surveys', { signal }),
  });
  const surveys = list.data?.surveys ?? [];
  const results = useQueries({
    queries: surveys.map((s) => ({
      queryKey: [...SURVEYS_KEY, s.id, 'results', range.from, range.to, 'month'],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        apiGet<SurveyResults>(`/api/admin/surveys/${s.id}/results?from=${range.from}&to=${range.to}`, { signal }),
      enabled: ready,
    })),
  });

  const body = list.error ? (
    <ApiErrorBanner title={t('Feedback.errorTitle')} error={list.error} onRetry={() => void list.refetch()} retrying={list.isFetching} />
  ) : !list.data ? (
    <Card>
      <SkeletonBodyText lines={5} />
    </Card>
  ) : surveys.length === 0 ? (
    <Card>
      <EmptyState
        heading={t('Feedback.emptyTitle')}
        image={emptyStateImage}
        action={{ content: t('Feedback.createSurvey'), onAction: () => setCreating(true) }}
      >
        <p>{t('Feedback.emptyBody')}</p>
      </EmptyState>
    </Card>
  ) : (
    <Card padding="0">
      <div data-testid="survey-list">
        <DataTable
          columnContentTypes={['text', 'text', 'text', 'numeric', 'numeric', 'numeric']}
          headings={[
            t('Feedback.name'),
            t('Feedback.type'),
            t('Feedback.status'),
            t('Feedback.respondentsAll'),
            t('Feedback.respondentsRange'),
            t('Feedback.score'),
          ]}
          rows={surveys.map((s, i) => {
            const r = results[i]?.data;
            return [
              <RouterLink key="name" url={`/feedback/${s.id}`} data-testid="survey-link">
                {s.name}
              </RouterLink>,
              t(`Feedback.types.${s.type}` as MessageKey),
              <Badge key="status" tone={s.status === 'active' ? 'success' : undefined}>
                {t(`Feedback.statuses.${s.status}` as MessageKey)}
              </Badge>,
              formatNumber(s.responses ?? 0),
              r ? formatNumber(r.respondents) : '…',
              r ? formatScore(s.type, headline(s.type, r), locale) : '…',
            ];
          })}
        />
      </div>
    </Card>
  );

  return (
    <div data-testid="feedback" data-state={list.data ? 'ready' : 'loading'}>
      <Page
        title={t('Feedback.title')}
        subtitle={t('Feedback.subtitle')}
        primaryAction={{ content: t('Feedback.createSurvey'), onAction: () => setCreating(true) }}
        secondaryActions={<DateRangePicker value={range} onChange={setRange} />}
      >
        {body}
        <div style={{ marginTop: 16 }}>
          <Text as="p" variant="bodySm" tone="subdued">
            {t('Feedback.listFootnote', { from: range.from, to: range.to })}
          </Text>
        </div>
      </Page>
      {creating ? (
        <CreateSurvey
          onClose={() => setCreating(false)}
          onCreated={(survey) => {
            setCreating(false);
            void client.invalidateQueries({ queryKey: SURVEYS_KEY });
            navigate(`/feedback/${survey.id}`);
          }}
        />
      ) : null}
    </div>
  );
}
