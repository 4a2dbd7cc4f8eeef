// What the merchant does with a survey from its page: send it now (the manual
// trigger: every member asked once per period), pause or resume it, archive it.
// The outcome shows in a banner above the results.
import { useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Banner } from '@shopify/polaris';
import { apiFetch, apiSend, ApiError } from '../../api';
import { useI18n } from '../../providers/I18nProvider';
import { SURVEYS_KEY, type Survey } from './types';

async function patch(id: string, body: object) {
  const res = await apiFetch(`/api/admin/surveys/${id}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new ApiError('http', res.status, 'change failed');
}

export function useSurveyActions(survey: Survey | undefined): {
  actions: Array<{ content: string; onAction(): void; disabled?: boolean }>;
  banner: ReactNode;
} {
  const { t, formatNumber } = useI18n();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'critical'; text: string } | null>(null);
  if (!survey) return { actions: [], banner: null };

  async function run(work: () => Promise<string>) {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ tone: 'success', text: await work() });
      await client.invalidateQueries({ queryKey: SURVEYS_KEY });
    } catch (error) {
      setOutcome({ tone: 'critical', text: error instanceof ApiError && error.detail ? error.detail : t('Feedback.actionFailed') });
    } finally {
      setBusy(false);
    }
  }
  const actions = [];
  if (survey.status === 'active' && survey.trigger.kind === 'manual')
    actions.push({
      content: t('Feedback.sendNow'),
      disabled: busy,
      onAction: () =>
        void run(async () => {
          const { invited } = await apiSend<{ invited: number }>('POST', `/api/admin/surveys/${survey.id}/send`, {});
          return t('Feedback.sent', { count: formatNumber(invited) });
        }),
    });
  if (survey.status !== 'archived')
    actions.push({
      content: survey.status === 'active' ? t('Feedback.pause') : t('Feedback.resume'),
      disabled: busy,
      onAction: () =>
        void run(async () => {
          await patch(survey.id, { status: survey.status === 'active' ? 'paused' : 'active' });
          return survey.status === 'active' ? t('Feedback.paused') : t('Feedback.resumed');
        }),
    });
  if (survey.status !== 'archived')
    actions.push({
      content: t('Feedback.archive'),
      disabled: busy,
      onAction: () =>
        void run(async () => {
          await patch(survey.id, { status: 'archived' });
          return t('Feedback.archived');
        }),
    });
  const banner = outcome ? (
    <div data-testid="survey-action-outcome">
      <Banner tone={outcome.tone} onDismiss={() => setOutcome(null)}>
        <p>{outcome.text}</p>
      </Banner>
    </div>
  ) : null;
  return { actions, banner };
}
