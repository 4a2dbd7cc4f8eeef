// The dashboard's NPS and CSAT tiles: the latest active survey of each type,
// over the dashboard's range, linking to its Feedback page.
import { useQuery } from '@tanstack/react-query';
import { BlockStack, Card, InlineGrid, Text } from '@shopify/polaris';
import { apiGet } from '../../api';
import type { DayRange } from '../DateRangePicker';
import { StatFigure } from '../StatFigure';
import { useI18n } from '../../providers/I18nProvider';
import { RouterLink } from '../../router';
import { formatScore, headline, SURVEYS_KEY, type Survey, type SurveyResults } from './types';

function Tile({ type, survey, range }: { type: 'nps' | 'csat'; survey: Survey | undefined; range: DayRange }) {
  const { t, locale } = useI18n();
  const results = useQuery({
    queryKey: [...SURVEYS_KEY, survey?.id, 'results', range.from, range.to, 'month'],
    queryFn: ({ signal }) =>
      apiGet<SurveyResults>(`/api/admin/surveys/${survey!.id}/results?from=${range.from}&to=${range.to}`, { signal }),
    enabled: Boolean(survey),
  });
  const value = headline(type, results.data);
  const label = type === 'nps' ? t('Feedback.npsTile') : t('Feedback.csatTile');
  return (
    <BlockStack gap="100">
      <StatFigure
        testId={`stat-${type}`}
        label={label}
        value={value}
        display={formatScore(type, value, locale)}
        help={survey ? t('Feedback.tileHelp', { name: survey.name, count: results.data?.respondents ?? 0 }) : t('Feedback.tileNone')}
      />
      {survey ? <RouterLink url={`/feedback/${survey.id}`}>{t('Feedback.title')}</RouterLink> : null}
    </BlockStack>
  );
}

export function FeedbackTiles({ range }: { range: DayRange }) {
  const { t } = useI18n();
  const list = useQuery({
    queryKey: SURVEYS_KEY,
    queryFn: ({ signal }) => apiGet<{ surveys: Survey[] }>('/api/admin/surveys', { signal }),
  });
  const latest = (type: 'nps' | 'csat') =>
    list.data?.surveys.filter((s) => s.type === type && s.status === 'active').sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!list.data) return null;
  return (
    <div data-testid="feedback-tiles">
      <Card>
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            {t('Feedback.tilesHeading')}
          </Text>
          <InlineGrid columns={{ xs: 1, sm: 2 }} gap="400">
            <Tile type="nps" survey={latest('nps')} range={range} />
            <Tile type="csat" survey={latest('csat')} range={range} />
          </InlineGrid>
        </BlockStack>
      </Card>
    </div>
  );
}
