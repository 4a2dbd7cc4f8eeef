// A bulk send's progress line (the monthly statement) under its message on the Emails page: members recorded of the
// total, and how many emails went, wait, were not sent or failed. Polls every 5 s while the run is going or its
// emails are still leaving.
import { useQuery } from '@tanstack/react-query';
import { ProgressBar, Text } from '@shopify/polaris';
import { apiGet } from '../../api';
import { useI18n } from '../../providers/I18nProvider';

export interface EmailRunInfo {
  key: string;
  month: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  recorded: number;
  sent: number;
  waiting: number;
  suppressed: number;
  bounced: number;
  failed: number;
  error: string | null;
}

export function EmailRunProgress({ messageKey }: { messageKey: string }) {
  const { t, locale } = useI18n();
  const runs = useQuery({
    queryKey: ['admin', 'emails', 'runs'],
    queryFn: ({ signal }) => apiGet<{ runs: EmailRunInfo[] }>('/api/admin/emails/runs', { signal }),
    refetchInterval: (query) => (query.state.data?.runs.some((r) => r.status === 'running' || r.waiting > 0) ? 5_000 : false),
  });
  const run = runs.data?.runs.find((r) => r.key === messageKey);
  if (!run) return null;
  const n = (x: number) => x.toLocaleString(locale);
  const done = run.total === 0 ? 1 : (run.sent + run.suppressed + run.bounced + run.failed) / Math.max(run.total, run.recorded);
  return (
    <div data-testid={`email-run-${messageKey}`}>
      <Text as="p" variant="bodySm">
        {t(run.status === 'running' ? 'Emails.runRecording' : run.status === 'failed' ? 'Emails.runStopped' : 'Emails.runRecorded', {
          month: run.month,
          recorded: n(run.recorded),
          total: n(run.total),
        })}{' '}
        {t('Emails.runSending', {
          sent: n(run.sent),
          waiting: n(run.waiting),
          suppressed: n(run.suppressed),
          failed: n(run.failed + run.bounced),
        })}
      </Text>
      <div style={{ maxWidth: 320, marginTop: 4 }}>
        <ProgressBar progress={Math.min(100, Math.round(done * 100))} size="small" tone="primary" />
      </div>
    </div>
  );
}
