import { Badge, Card, EmptyState, Page } from '@shopify/polaris';
import emptyStateImage from '../assets/empty-state.svg';
import { useI18n } from '../providers/I18nProvider';

/** The sections of the admin that don't exist yet, each with its own locale block. */
export type ComingSoonSection = 'Members' | 'EarnRules' | 'Rewards' | 'Tiers' | 'Referrals' | 'Settings' | 'Widget';

/** A page that says honestly what will be there, for sections not built yet. */
export function ComingSoonPage({ section }: { section: ComingSoonSection }) {
  const { t } = useI18n();
  return (
    <div data-testid="coming-soon" data-section={section}>
      <Page title={t(`${section}.title`)} titleMetadata={<Badge tone="info">{t('ComingSoon.badge')}</Badge>}>
        <Card>
          <EmptyState
            heading={t(`${section}.heading`)}
            image={emptyStateImage}
            action={{ content: t('ComingSoon.backToDashboard'), url: '/' }}
            footerContent={<p>{t('ComingSoon.footer')}</p>}
          >
            <p>{t(`${section}.body`)}</p>
          </EmptyState>
        </Card>
      </Page>
    </div>
  );
}
