// Shopper emails: every message by category with its switch and what it did in
// the last 30 days (sent, clicked, attributed orders and net sales, repeat
// purchase of recipients vs other members), the editor with a live preview, and
// the shop's email settings.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Badge, Banner, BlockStack, Box, Button, Card, Checkbox, InlineStack, Layout, Page, SkeletonPage, Text } from '@shopify/polaris';
import { ApiError, apiGet, apiSend } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { EmailEditor } from '../components/emails/EmailEditor';
import { EmailRunProgress } from '../components/emails/EmailRunProgress';
import { EmailSettingsCard, type EmailSettings } from '../components/emails/EmailSettingsCard';
import { EMAIL_CATEGORIES, type EmailMessageInfo, type EmailMessageStats, type EmailStats } from '../components/emails/types';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';
import { formatMoney, useInvalidate } from '../queries';

const emailKeys = {
  messages: ['admin', 'emails'] as const,
  settings: ['admin', 'emails', 'settings'] as const,
  stats: ['admin', 'emails', 'stats'] as const,
};

const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const DIGITS: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, IDR: 2, KWD: 3, BHD: 3 };

function StatsLine({ stats, currency }: { stats: EmailMessageStats | undefined; currency: string }) {
  const { t, locale } = useI18n();
  if (!stats) return null;
  const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);
  return (
    <Text as="p" variant="bodySm" tone="subdued">
      {t('Emails.statsLine', {
        sent: stats.sent,
        bounced: stats.bounced,
        unsubscribed: stats.unsubscribed,
        clicked: stats.clicked,
        orders: stats.attributedOrders,
        sales: formatMoney(locale, stats.attributedNetSalesMinor, currency, DIGITS[currency] ?? 2),
        repeat: pct(stats.repeatPurchase.recipients.rate),
        others: pct(stats.repeatPurchase.others.rate),
      })}
    </Text>
  );
}

export default function Emails() {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<string | null>(null);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const [range] = useState(() => ({ from: day(new Date(Date.now() - 29 * 86_400_000)), to: day(new Date()) }));
  const messages = useQuery({
    queryKey: emailKeys.messages,
    queryFn: ({ signal }) => apiGet<{ messages: EmailMessageInfo[] }>('/api/admin/emails', { signal }),
  });
  const settings = useQuery({
    queryKey: emailKeys.settings,
    queryFn: ({ signal }) => apiGet<{ settings: EmailSettings }>('/api/admin/emails/settings', { signal }),
  });
  const stats = useQuery({
    queryKey: [...emailKeys.stats, range.from, range.to],
    queryFn: ({ signal }) => apiGet<EmailStats>(`/api/admin/emails/stats?from=${range.from}&to=${range.to}`, { signal }),
  });

  if (messages.isPending || settings.isPending) return <SkeletonPage title={t('Emails.title')} />;
  const error = messages.error ?? settings.error;
  if (error)
    return (
      <Page title={t('Emails.title')}>
        <ApiErrorBanner title={t('Emails.errorTitle')} error={error} onRetry={() => void messages.refetch()} />
      </Page>
    );
  const list = messages.data?.messages ?? [];
  const statsByKey = new Map((stats.data?.messages ?? []).map((s) => [s.key, s]));
  const currency = stats.data?.currencyCode ?? 'USD';
  const current = list.find((m) => m.key === editing) ?? null;

  const toggle = async (m: EmailMessageInfo, enabled: boolean) => {
    setSwitchError(null);
    try {
      await apiSend('PUT', `/api/admin/emails/${m.key}`, { enabled });
      await invalidate(emailKeys.messages);
    } catch (e) {
      setSwitchError(e instanceof ApiError ? (e.detail ?? e.message) : String(e));
    }
  };

  return (
    <div data-testid="emails-page">
      <Page title={t('Emails.title')} subtitle={t('Emails.subtitle', { from: range.from, to: range.to })}>
        <Layout>
          {current ? (
            <Layout.Section>
              <EmailEditor
                key={current.key}
                message={current}
                onSaved={() => invalidate(emailKeys.messages)}
                onClose={() => setEditing(null)}
              />
            </Layout.Section>
          ) : null}
          {switchError ? (
            <Layout.Section>
              <Banner tone="critical" onDismiss={() => setSwitchError(null)}>
                {switchError}
              </Banner>
            </Layout.Section>
          ) : null}
          <Layout.Section>
            <BlockStack gap="400">
              {EMAIL_CATEGORIES.map((category) => {
                const inCategory = list.filter((m) => m.category === category);
                if (inCategory.length === 0) return null;
                return (
                  <Card key={category}>
                    <BlockStack gap="300">
                      <BlockStack gap="050">
                        <Text as="h2" variant="headingMd">
                          {t(`Emails.category_${category}` as MessageKey)}
                        </Text>
                        <Text as="p" tone="subdued">
                          {t(`Emails.categoryHelp_${category}` as MessageKey)}
                        </Text>
                      </BlockStack>
                      {inCategory.map((m) => (
                        <Box key={m.key} paddingBlockStart="200" borderBlockStartWidth="025" borderColor="border">
                          <div data-testid={`email-message-${m.key}`}>
                            <InlineStack align="space-between" blockAlign="center" gap="300" wrap={false}>
                              <BlockStack gap="050">
                                <InlineStack gap="200" blockAlign="center">
                                  <Text as="h3" variant="headingSm">
                                    <code>{m.key}</code>
                                  </Text>
                                  {m.edited.length > 0 ? <Badge tone="info">{t('Emails.edited')}</Badge> : null}
                                </InlineStack>
                                <Text as="p">{m.when}</Text>
                                <StatsLine stats={statsByKey.get(m.key)} currency={currency} />
                                {m.key === 'monthly_statement' ? <EmailRunProgress messageKey={m.key} /> : null}
                              </BlockStack>
                              <InlineStack gap="300" blockAlign="center" wrap={false}>
                                <Checkbox
                                  label={t('Emails.enabled')}
                                  checked={m.enabled}
                                  onChange={(on) => void toggle(m, on)}
                                  id={`email-enabled-${m.key}`}
                                />
                                <Button onClick={() => setEditing(m.key)} accessibilityLabel={t('Emails.editLabel', { key: m.key })}>
                                  {t('Emails.edit')}
                                </Button>
                              </InlineStack>
                            </InlineStack>
                          </div>
                        </Box>
                      ))}
                    </BlockStack>
                  </Card>
                );
              })}
            </BlockStack>
          </Layout.Section>
          <Layout.Section>
            <EmailSettingsCard settings={settings.data?.settings ?? {}} onSaved={() => invalidate(emailKeys.settings)} />
          </Layout.Section>
        </Layout>
      </Page>
    </div>
  );
}
