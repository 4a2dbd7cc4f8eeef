// A redemption's status as the admin reads it: a translated, coloured badge
// (never the raw enum), the same on the Redemptions page and a member's page.
import { Badge } from '@shopify/polaris';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';

export const REDEMPTION_STATUSES = ['PENDING', 'NEEDS_REVIEW', 'ISSUED', 'USED', 'FAILED', 'EXPIRED'] as const;
export type RedemptionStatus = (typeof REDEMPTION_STATUSES)[number];

const TONE: Partial<Record<RedemptionStatus, 'success' | 'attention' | 'warning' | 'critical' | 'info'>> = {
  ISSUED: 'info',
  USED: 'success',
  PENDING: 'attention',
  NEEDS_REVIEW: 'warning',
  FAILED: 'critical',
};

export function RedemptionStatusBadge({ status }: { status: RedemptionStatus }) {
  const { t } = useI18n();
  return <Badge tone={TONE[status]}>{t(`Redemptions.status${status}` as MessageKey)}</Badge>;
}
