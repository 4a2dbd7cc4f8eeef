// The member page's email section: every email Tally decided to send the member
// (status, when, why not) and a badge when their address bounced.
import { useQuery } from '@tanstack/react-query';
import { Badge, BlockStack, Card, DataTable, InlineStack, Text } from '@shopify/polaris';
import { apiGet } from '../../api';
import { useI18n } from '../../providers/I18nProvider';
import type { MessageKey } from '../../i18n';

interface LogEntry {
  key: string;
  to: string;
  status: string;
  sentAt: string | null;
  createdAt: string;
  reason: string | null;
  clickedAt: string | null;
}

const TONES: Record<string, 'success' | 'critical' | 'attention' | 'info' | undefined> = {
  sent: 'success',
  bounced: 'critical',
  failed: 'critical',
  queued: 'attention',
  sending: 'attention',
  suppressed: 'info',
};

export function MemberEmailLog({ memberId }: { memberId: string }) {
  const { t, locale } = useI18n();
  const log = useQuery({
    queryKey: ['admin', 'emails', 'log', memberId],
    queryFn: ({ signal }) =>
      apiGet<{ sent: LogEntry[]; undeliverableAt?: string | null }>(`/api/admin/emails/log?memberId=${encodeURIComponent(memberId)}`, {
        signal,
      }),
  });
  const date = (iso: string) => new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const known = ['sent', 'bounced', 'failed', 'queued', 'sending', 'suppressed'];
  return (
    <Card>
      <div data-testid="member-email-log">
        <BlockStack gap="300">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              {t('Emails.logTitle')}
            </Text>
            {log.data?.undeliverableAt ? (
              <span data-testid="email-undeliverable">
                <Badge tone="critical">{t('Emails.undeliverable', { date: date(log.data.undeliverableAt) })}</Badge>
              </span>
            ) : null}
          </InlineStack>
          {log.isPending ? (
            <Text as="p" tone="subdued">
              {t('Emails.previewLoading')}
            </Text>
          ) : log.error ? (
            <Text as="p" tone="critical">
              {t('Emails.logError')}
            </Text>
          ) : log.data.sent.length === 0 ? (
            <Text as="p" tone="subdued">
              {t('Emails.logEmpty')}
            </Text>
          ) : (
            <DataTable
              columnContentTypes={['text', 'text', 'text', 'text']}
              headings={[t('Emails.logMessage'), t('Emails.logStatus'), t('Emails.logWhen'), t('Emails.logNote')]}
              rows={log.data.sent.map((e) => [
                e.key,
                <Badge key="s" tone={TONES[e.status]}>
                  {known.includes(e.status) ? t(`Emails.status_${e.status}` as MessageKey) : e.status}
                </Badge>,
                date(e.sentAt ?? e.createdAt),
                e.reason ?? (e.clickedAt ? t('Emails.clicked') : ''),
              ])}
            />
          )}
        </BlockStack>
      </div>
    </Card>
  );
}
