/** @jsxImportSource preact */
// The due CSAT or NPS question: one button per score (keyboard and screen
// reader operable as ordinary buttons, each naming its score and whether it is
// chosen), an optional comment once a score is chosen, and a thank-you that
// says the points the answer earned. A failed send says so and lets the buyer
// try again; nothing else on the page waits for it.
import { useState } from 'preact/hooks';
import { sendAnswer, type DueSurvey } from './api.js';
import { host } from './host.js';
import type { Channel } from './RewardsBlock.js';

const t = (key: string, options?: Record<string, string | number>) => host().i18n.translate(key, options);

type Sending = 'idle' | 'sending' | 'failed';

export function SurveyCard({
  survey,
  orderId,
  channel,
  member,
}: {
  survey: DueSurvey;
  orderId: string;
  channel: Channel;
  member: boolean;
}) {
  const question = survey.questions[0]!;
  const { min, max } = question.scale;
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [sending, setSending] = useState<Sending>('idle');
  const [awarded, setAwarded] = useState<number | null>(null);

  if (awarded !== null) {
    return (
      <s-stack accessibilityRole="status">
        <s-paragraph tone="success">{awarded > 0 ? t('survey.thanks_points', { count: awarded }) : t('survey.thanks')}</s-paragraph>
      </s-stack>
    );
  }

  const submit = async () => {
    if (score === null || sending === 'sending') return;
    setSending('sending');
    try {
      const answer = await sendAnswer(survey.id, {
        answers: { [question.key]: score },
        comment: comment.trim() || undefined,
        channel,
        orderId,
      });
      setAwarded(answer.pointsAwarded);
    } catch {
      setSending('failed');
    }
  };

  const scores = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return (
    <s-stack gap="small-200">
      <s-heading>{question.text}</s-heading>
      {member && survey.pointsForAnswer > 0 && <s-text color="subdued">{t('survey.earn', { count: survey.pointsForAnswer })}</s-text>}
      <s-stack direction="inline" gap="small-300">
        {scores.map((n) => (
          <s-button
            key={n}
            variant={n === score ? 'primary' : 'secondary'}
            accessibilityLabel={t(n === score ? 'survey.score_chosen' : 'survey.score', { score: n, max })}
            onClick={() => setScore(n)}
          >
            {String(n)}
          </s-button>
        ))}
      </s-stack>
      <s-stack direction="inline" justifyContent="space-between">
        <s-text color="subdued">{t(`survey.${survey.type}_low`)}</s-text>
        <s-text color="subdued">{t(`survey.${survey.type}_high`)}</s-text>
      </s-stack>
      {score !== null && (
        <s-text-area
          label={survey.commentPrompt}
          value={comment}
          maxLength={2000}
          onInput={(event: Event) => setComment((event.currentTarget as HTMLTextAreaElement).value)}
        />
      )}
      <s-button variant="primary" disabled={score === null} loading={sending === 'sending'} onClick={submit}>
        {t('survey.submit')}
      </s-button>
      {sending === 'failed' && (
        <s-stack accessibilityRole="alert">
          <s-paragraph tone="critical">{t('survey.failed')}</s-paragraph>
        </s-stack>
      )}
    </s-stack>
  );
}
