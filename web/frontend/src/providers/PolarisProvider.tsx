import type { ReactNode } from 'react';
import { AppProvider } from '@shopify/polaris';
import type { PolarisTranslations } from '../i18n';
import { RouterLink } from '../router';

/** Polaris with the locale's translations; Polaris links go through the app's router. */
export function PolarisProvider({ translations, children }: { translations: PolarisTranslations; children: ReactNode }) {
  return (
    <AppProvider i18n={translations} linkComponent={RouterLink}>
      {children}
    </AppProvider>
  );
}
