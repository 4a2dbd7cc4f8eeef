import { Card, EmptyState, Page } from '@shopify/polaris';
import emptyStateImage from '../assets/empty-state.svg';
import { useI18n } from '../providers/I18nProvider';

export default function NotFound() {
  const { t } = useI18n();
  return (
    <div data-testid="not-found">
      <Page title={t('NotFound.title')}>
        <Card>
          <EmptyState heading={t('NotFound.heading')} image={emptyStateImage} action={{ content: t('NotFound.backToDashboard'), url: '/' }}>
            <p>{t('NotFound.body')}</p>
          </EmptyState>
        </Card>
      </Page>
    </div>
  );
}
