// A survey's comments: search the text, filter by score band and handled,
// mark one handled, open the member; a page at a time ("Show more"), and the
// same filter as CSV from the server.
import { useEffect, useState } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, BlockStack, Box, Button, Card, InlineStack, Select, Text, TextField } from '@shopify/polaris';
import { ExportIcon } from '@shopify/polaris-icons';
import { apiFetch, apiGet, apiSend, ApiError } from '../../api';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../providers/I18nProvider';
import { RouterLink } from '../../router';
import { ApiErrorBanner } from '../ApiErrorBanner';
import type { DayRange } from '../DateRangePicker';
import { SURVEYS_KEY, type SurveyAnswer, type SurveyType } from './types';

const BANDS: Record<SurveyType, readonly string[]> = {
  nps: ['promoter', 'passive', 'detractor'],
  cli: ['promoter', 'passive', 'detractor'],
  csat: ['positive', 'neutral', 'negative'],
  ces: ['positive', 'neutral', 'negative'],
  poll: [],
};
const TONE = {
  promoter: 'success',
  positive: 'success',
  passive: 'attention',
  neutral: 'attention',
  detractor: 'critical',
  negative: 'critical',
} as const;

/** The band of a score, as the server's filter draws it (web/surveys/response-list.ts). */
function bandOf(type: SurveyType, score: number | null): keyof typeof TONE | null {
  if (score === null || type === 'poll') return null;
  const [top, mid] = type === 'csat' ? [4, 3] : type === 'ces' ? [5, 4] : [9, 7];
  const names = BANDS[type] as [keyof typeof TONE, keyof typeof TONE, keyof typeof TONE];
  return score >= top ? names[0] : score >= mid ? names[1] : names[2];
}

function useDebounced(value: string, ms = 300) {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return debounced;
}

export function Comments({ surveyId, type, range, choices }: { surveyId: string; type: SurveyType; range: DayRange; choices: string[] }) {
  const { t, locale } = useI18n();
  const client = useQueryClient();
  const [search, setSearch] = useState('');
  const [band, setBand] = useState('');
  const [handled, setHandled] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [exportFailed, setExportFailed] = useState(false);
  const q = useDebounced(search.trim());
  const params = new URLSearchParams({ from: range.from, to: range.to });
  if (q) params.set('q', q);
  if (band) params.set('band', band);
  if (handled) params.set('handled', handled);
  const filter = params.toString();
  const key = [...SURVEYS_KEY, surveyId, 'responses', filter];
  const list = useInfiniteQuery({
    queryKey: key,
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) =>
      apiGet<{ responses: SurveyAnswer[]; nextCursor: string | null }>(
        `/api/admin/surveys/${surveyId}/responses?${filter}&limit=20${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const answers = list.data?.pages.flatMap((p) => p.responses) ?? [];
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

  async function mark(answer: SurveyAnswer) {
    setBusy(answer.id);
    try {
      await apiSend('POST', `/api/admin/surveys/responses/${answer.id}/handled`, { handled: !answer.handledAt });
      await client.invalidateQueries({ queryKey: [...SURVEYS_KEY, surveyId, 'responses'] });
    } finally {
      setBusy(null);
    }
  }

  async function download() {
    setExportFailed(false);
    try {
      const res = await apiFetch(`/api/admin/surveys/${surveyId}/responses.csv?${filter}`, { headers: { Accept: 'text/csv' } });
      if (!res.ok) throw new ApiError('http', res.status, 'export failed');
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `survey-${surveyId}-${range.from}-${range.to}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setExportFailed(true);
    }
  }

  const scoreText = (a: SurveyAnswer) =>
    type === 'poll'
      ? (choices[a.answers.choice ?? -1] ?? String(a.answers.choice ?? '—'))
      : type === 'cli'
        ? `${a.answers.recommend ?? '—'} · ${a.answers.buy_again ?? '—'} · ${a.answers.try_other ?? '—'}`
        : String(a.score ?? '—');

  return (
    <section data-testid="comments" aria-label={t('Feedback.comments')}>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t('Feedback.comments')}
          </Text>
          <div data-testid="comments-csv">
            <Button icon={ExportIcon} size="slim" onClick={() => void download()} accessibilityLabel={t('Feedback.downloadCsvLabel')}>
              {t('Feedback.downloadCsv')}
            </Button>
          </div>
        </InlineStack>
        {exportFailed ? (
          <Text as="p" tone="critical">
            {t('Feedback.exportFailed')}
          </Text>
        ) : null}
        <Card>
          <BlockStack gap="400">
            <InlineStack gap="300" wrap blockAlign="end">
              <div style={{ flex: '1 1 240px' }} data-testid="comments-search">
                <TextField
                  label={t('Feedback.search')}
                  value={search}
                  onChange={setSearch}
                  autoComplete="off"
                  clearButton
                  onClearButtonClick={() => setSearch('')}
                />
              </div>
              {BANDS[type].length ? (
                <div data-testid="comments-band">
                  <Select
                    label={t('Feedback.band')}
                    options={[
                      { label: t('Feedback.allBands'), value: '' },
                      ...BANDS[type].map((b) => ({ label: t(`Feedback.bands.${b}` as MessageKey), value: b })),
                    ]}
                    value={band}
                    onChange={setBand}
                  />
                </div>
              ) : null}
              <div data-testid="comments-handled">
                <Select
                  label={t('Feedback.handledFilter')}
                  options={[
                    { label: t('Feedback.handledAll'), value: '' },
                    { label: t('Feedback.handledNo'), value: 'false' },
                    { label: t('Feedback.handledYes'), value: 'true' },
                  ]}
                  value={handled}
                  onChange={setHandled}
                />
              </div>
            </InlineStack>
            {list.error ? (
              <ApiErrorBanner
                title={t('Feedback.errorTitle')}
                error={list.error}
                onRetry={() => void list.refetch()}
                retrying={list.isFetching}
              />
            ) : null}
            <ul
              data-testid="comment-list"
              data-state={list.isFetching ? 'loading' : 'ready'}
              style={{ listStyle: 'none', margin: 0, padding: 0 }}
            >
              {answers.map((a) => {
                const b = bandOf(type, a.score);
                return (
                  <li
                    key={a.id}
                    data-testid="comment"
                    data-id={a.id}
                    data-score={a.score ?? ''}
                    data-handled={a.handledAt ? 'true' : 'false'}
                  >
                    <Box paddingBlock="300" borderBlockEndWidth="025" borderColor="border">
                      <BlockStack gap="150">
                        <InlineStack gap="200" blockAlign="center" wrap>
                          <Text as="span" variant="headingSm">
                            {scoreText(a)}
                          </Text>
                          {b ? <Badge tone={TONE[b]}>{t(`Feedback.bands.${b}` as MessageKey)}</Badge> : null}
                          {a.handledAt ? <Badge tone="info">{t('Feedback.handled')}</Badge> : null}
                          <Text as="span" variant="bodySm" tone="subdued">
                            {date.format(new Date(a.answeredAt))} · {t(`Feedback.channel.${a.channel}` as MessageKey)}
                            {a.tierName ? ` · ${a.tierName}` : ''}
                          </Text>
                        </InlineStack>
                        <Text as="p" tone={a.comment ? undefined : 'subdued'}>
                          {a.comment ?? t('Feedback.noComment')}
                        </Text>
                        <InlineStack gap="300" blockAlign="center">
                          {a.memberId ? (
                            <RouterLink url={`/members/${a.memberId}`}>{a.memberEmail ?? t('Feedback.member')}</RouterLink>
                          ) : (
                            <Text as="span" variant="bodySm" tone="subdued">
                              {a.isMember ? t('Feedback.anonymised') : t('Feedback.notMember')}
                            </Text>
                          )}
                          <Button size="slim" onClick={() => void mark(a)} loading={busy === a.id}>
                            {a.handledAt ? t('Feedback.markUnhandled') : t('Feedback.markHandled')}
                          </Button>
                        </InlineStack>
                      </BlockStack>
                    </Box>
                  </li>
                );
              })}
            </ul>
            {list.data && answers.length === 0 ? (
              <Text as="p" tone="subdued">
                {t('Feedback.noComments')}
              </Text>
            ) : null}
            {list.hasNextPage ? (
              <InlineStack align="center">
                <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                  {t('Feedback.showMore')}
                </Button>
              </InlineStack>
            ) : null}
          </BlockStack>
        </Card>
      </BlockStack>
    </section>
  );
}
