import '@shopify/polaris/build/esm/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';
import { loadLocale, resolveLocale } from './i18n';
import { I18nProvider } from './providers/I18nProvider';
import { PolarisProvider } from './providers/PolarisProvider';
import { QueryProvider } from './providers/QueryProvider';
import { RouterProvider } from './router';

async function start(): Promise<void> {
  const container = document.getElementById('app');
  if (!container) throw new Error('index.html has no #app element');

  // Shopify opens embedded apps with `?locale=`; otherwise use the browser's languages.
  const requested = new URLSearchParams(window.location.search).get('locale');
  const { locale, messages, polaris } = await loadLocale(resolveLocale([requested, ...navigator.languages]));

  createRoot(container).render(
    <StrictMode>
      <I18nProvider locale={locale} messages={messages}>
        <RouterProvider>
          <PolarisProvider translations={polaris}>
            <QueryProvider>
              <App />
            </QueryProvider>
          </PolarisProvider>
        </RouterProvider>
      </I18nProvider>
    </StrictMode>,
  );
}

void start();
