// The member page's segments card: the member's RFM scores and the segments
// they are in as last computed (GET /api/admin/members/:id/segments), each
// with the date they joined and whether Shopify holds its tag.
import { useQuery } from '@tanstack/react-query';
import { Badge, BlockStack, Card, InlineStack, SkeletonBodyText, Text } from '@shopify/polaris';
import { apiGet } from '../api';
import { ApiErrorBanner } from './ApiErrorBanner';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';

interface MemberSegmentsAnswer {
  rfm: { segment: string; name: string; r: number; f: number; m: number } | null;
  segments: Array<{
    id: string;
    name: string;
    handle: string;
    kind: 'rfm' | 'rules';
    since: string;
    syncToShopify: boolean;
    taggedAt: string | null;
  }>;
}

export function MemberSegments({ memberId }: { memberId: string }) {
  const { t, locale } = useI18n();
  const answer = useQuery({
    queryKey: ['admin', 'segments', 'member', memberId],
    queryFn: ({ signal }) => apiGet<MemberSegmentsAnswer>(`/api/admin/members/${encodeURIComponent(memberId)}/segments`, { signal }),
  });
  const date = (iso: string) => new Date(iso).toLocaleDateString(locale);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t('Segments.memberTitle')}
        </Text>
        {answer.isPending ? <SkeletonBodyText lines={2} /> : null}
        {answer.error ? <ApiErrorBanner title={t('Segments.loadFailed')} error={answer.error} /> : null}
        {answer.data ? (
          <BlockStack gap="200">
            <div data-testid="member-rfm">
              <Text as="p">
                {answer.data.rfm
                  ? t('Segments.memberRfm', {
                      segment: t(`Segments.rfm.${answer.data.rfm.segment}` as MessageKey),
                      r: answer.data.rfm.r,
                      f: answer.data.rfm.f,
                      m: answer.data.rfm.m,
                    })
                  : t('Segments.memberNoRfm')}
              </Text>
            </div>
            {answer.data.segments.length === 0 ? (
              <Text as="p" tone="subdued">
                {t('Segments.memberNone')}
              </Text>
            ) : (
              <BlockStack gap="100">
                {answer.data.segments.map((s) => (
                  <InlineStack key={s.id} gap="200" blockAlign="center">
                    <Badge tone={s.kind === 'rfm' ? 'info' : undefined}>
                      {s.kind === 'rfm' ? t(`Segments.rfm.${s.handle}` as MessageKey) : s.name}
                    </Badge>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {t('Segments.memberSince', { date: date(s.since) })}
                    </Text>
                    {s.taggedAt ? <Badge tone="success">{t('Segments.memberTagged')}</Badge> : null}
                  </InlineStack>
                ))}
              </BlockStack>
            )}
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
