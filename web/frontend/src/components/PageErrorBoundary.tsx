import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Banner, Page } from '@shopify/polaris';
import { useI18n } from '../providers/I18nProvider';

function PageCrashed() {
  const { t } = useI18n();
  return (
    <div data-testid="page-crashed">
      <Page>
        <Banner tone="critical" title={t('App.crashTitle')} action={{ content: t('App.reload'), onAction: () => window.location.reload() }}>
          <p>{t('App.crashBody')}</p>
        </Banner>
      </Page>
    </div>
  );
}

/**
 * Catches a page that throws while rendering, or whose chunk can't be loaded
 * (e.g. after a deploy), so the navigation stays usable. Give it `key={path}`
 * to reset it on navigation.
 */
export class PageErrorBoundary extends Component<
  { children: ReactNode; onError?: (error: unknown, info: ErrorInfo) => void },
  { failed: boolean }
> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    this.props.onError?.(error, info);
  }

  override render() {
    return this.state.failed ? <PageCrashed /> : this.props.children;
  }
}
