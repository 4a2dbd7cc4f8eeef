import { Suspense, useEffect } from 'react';
import { Loading, SkeletonBodyText, SkeletonPage, Card, Layout } from '@shopify/polaris';
import { AppFrame } from './components/AppFrame';
import { PageErrorBoundary } from './components/PageErrorBoundary';
import { useI18n } from './providers/I18nProvider';
import { matchRoute } from './routes';
import { useRouter } from './router';

function PageLoading() {
  const { t } = useI18n();
  return (
    <div data-testid="page-loading" aria-busy="true" aria-label={t('App.pageLoading')}>
      <Loading />
      <SkeletonPage>
        <Layout>
          <Layout.Section>
            <Card>
              <SkeletonBodyText lines={4} />
            </Card>
          </Layout.Section>
        </Layout>
      </SkeletonPage>
    </div>
  );
}

function CurrentPage() {
  const { pathname } = useRouter();
  const route = matchRoute(pathname);
  const Page = route.Component;
  return (
    <PageErrorBoundary key={route.path}>
      <Suspense fallback={<PageLoading />}>
        <Page />
      </Suspense>
    </PageErrorBoundary>
  );
}

export default function App() {
  const { t, locale } = useI18n();
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t('App.name');
  }, [locale, t]);
  return (
    <AppFrame>
      <CurrentPage />
    </AppFrame>
  );
}
