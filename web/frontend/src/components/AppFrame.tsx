import { useCallback, useState, type ReactNode } from 'react';
import { Frame, Navigation, Text, TopBar } from '@shopify/polaris';
import { useQuery } from '@tanstack/react-query';
import type { IconSource } from '@shopify/polaris';
import {
  ClockIcon,
  EmailIcon,
  ReceiptIcon,
  ChartLineIcon,
  ChartVerticalIcon,
  ChatIcon,
  GiftCardIcon,
  HomeIcon,
  ImportIcon,
  LayoutBlockIcon,
  PersonIcon,
  PersonSegmentIcon,
  SettingsIcon,
  ShareIcon,
  StarIcon,
} from '@shopify/polaris-icons';
import { NavMenu } from '@shopify/app-bridge-react';
import { getDevSession, isEmbedded } from '../api';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';
import { pathForPage } from '../routes';
import { RouterLink, useRouter } from '../router';

interface NavEntry {
  page: string;
  label: MessageKey;
  icon: IconSource;
}

/** The admin's sections, in menu order (`page` is the file in pages/). */
export const NAV_ENTRIES: readonly NavEntry[] = [
  { page: 'Dashboard', label: 'Navigation.dashboard', icon: HomeIcon },
  { page: 'Analytics', label: 'Navigation.analytics', icon: ChartLineIcon },
  { page: 'Members', label: 'Navigation.members', icon: PersonIcon },
  { page: 'Segments', label: 'Navigation.segments', icon: PersonSegmentIcon },
  { page: 'Feedback', label: 'Feedback.nav', icon: ChatIcon },
  { page: 'EarnRules', label: 'Navigation.earnRules', icon: StarIcon },
  { page: 'Rewards', label: 'Navigation.rewards', icon: GiftCardIcon },
  { page: 'Redemptions', label: 'Navigation.redemptions', icon: ReceiptIcon },
  { page: 'Tiers', label: 'Navigation.tiers', icon: ChartVerticalIcon },
  { page: 'Referrals', label: 'Navigation.referrals', icon: ShareIcon },
  { page: 'Emails', label: 'Navigation.emails', icon: EmailIcon },
  { page: 'Imports', label: 'Navigation.imports', icon: ImportIcon },
  { page: 'Settings', label: 'Navigation.settings', icon: SettingsIcon },
  { page: 'Widget', label: 'Navigation.widget', icon: LayoutBlockIcon },
  { page: 'Activity', label: 'Navigation.activity', icon: ClockIcon },
];

const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="28" viewBox="0 0 96 28">' +
  '<circle cx="14" cy="14" r="11" fill="#ffffff"/>' +
  '<path d="M14 7.5l1.9 4 4.3.5-3.2 3 .9 4.3-3.9-2.2-3.9 2.2.9-4.3-3.2-3 4.3-.5z" fill="#1a1a1a"/>' +
  '<text x="31" y="20" font-family="-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,sans-serif" ' +
  'font-size="17" font-weight="650" fill="#ffffff">Tally</text></svg>';
const LOGO_URL = `data:image/svg+xml,${encodeURIComponent(LOGO_SVG)}`;

/**
 * The development session's shop, on the right of the top bar (outside the
 * admin only). It leads to the development shops on /dev/webhooks (the demo
 * shop, a fresh one never onboarded, Reset onboarding), where the admin is
 * reopened as another shop.
 */
function DevShop() {
  const { t } = useI18n();
  const { data } = useQuery({ queryKey: ['dev-session'], queryFn: () => getDevSession(), staleTime: Infinity });
  return (
    <div
      data-testid="dev-shop"
      style={{ display: 'flex', alignItems: 'center', height: 'var(--pg-top-bar-height)', paddingInline: '1rem' }}
    >
      {data ? (
        <a href="/dev/webhooks#shops" title={t('App.devShop')} style={{ color: 'inherit', textDecoration: 'none' }}>
          <Text as="span" variant="bodySm" tone="text-inverse">
            {data.shop}
          </Text>
        </a>
      ) : null}
    </div>
  );
}

/**
 * The admin shell. Inside the Shopify admin the menu is App Bridge's
 * (`ui-nav-menu`, shown in the admin's own sidebar); elsewhere (local
 * development, browser tests) it is a Polaris Navigation in the Frame.
 */
export function AppFrame({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { pathname } = useRouter();
  const [mobileNavigationActive, setMobileNavigationActive] = useState(false);
  const toggleMobileNavigation = useCallback(() => setMobileNavigationActive((active) => !active), []);
  const closeMobileNavigation = useCallback(() => setMobileNavigationActive(false), []);

  const logo = { topBarSource: LOGO_URL, width: 96, url: '/', accessibilityLabel: t('App.logoLabel') };

  if (isEmbedded()) {
    return (
      <>
        <NavMenu>
          {NAV_ENTRIES.map((entry) => {
            const url = pathForPage(entry.page);
            return (
              // App Bridge clicks these anchors when the admin's menu is used.
              <RouterLink key={entry.page} url={url} rel={url === '/' ? 'home' : undefined}>
                {t(entry.label)}
              </RouterLink>
            );
          })}
        </NavMenu>
        <Frame>{children}</Frame>
      </>
    );
  }

  const navigation = (
    <Navigation location={pathname} onDismiss={closeMobileNavigation}>
      <Navigation.Section
        items={NAV_ENTRIES.map((entry) => {
          const url = pathForPage(entry.page);
          return {
            url,
            label: t(entry.label),
            icon: entry.icon,
            exactMatch: url === '/',
            onClick: closeMobileNavigation,
          };
        })}
      />
    </Navigation>
  );

  return (
    <Frame
      logo={logo}
      topBar={<TopBar showNavigationToggle onNavigationToggle={toggleMobileNavigation} secondaryMenu={<DevShop />} />}
      navigation={navigation}
      showMobileNavigation={mobileNavigationActive}
      onNavigationDismiss={toggleMobileNavigation}
    >
      {children}
    </Frame>
  );
}
