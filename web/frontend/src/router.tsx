// A tiny history-API router: enough for a handful of admin pages without
// pulling in react-router.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react';

export interface Router {
  pathname: string;
  /**
   * Goes to an in-app path. The current query string (shop, host, locale...
   * which Shopify puts on the app's URL) is kept unless `to` has its own.
   */
  navigate(to: string, options?: { replace?: boolean }): void;
}

const RouterContext = createContext<Router | null>(null);

export function normalizePath(pathname: string): string {
  const trimmed = pathname.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [pathname, setPathname] = useState(() => normalizePath(window.location.pathname));

  useEffect(() => {
    const onPopState = () => setPathname(normalizePath(window.location.pathname));
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const navigate = useCallback<Router['navigate']>((to, options = {}) => {
    const url = new URL(to, window.location.href);
    if (url.origin !== window.location.origin) {
      window.location.assign(url.href);
      return;
    }
    if (!url.search) url.search = window.location.search;
    const href = url.pathname + url.search + url.hash;
    if (options.replace) window.history.replaceState(null, '', href);
    else window.history.pushState(null, '', href);
    setPathname(normalizePath(url.pathname));
    window.scrollTo(0, 0);
  }, []);

  const value = useMemo(() => ({ pathname, navigate }), [pathname, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter() must be used inside <RouterProvider>');
  return router;
}

function isInAppUrl(url: string): boolean {
  try {
    return new URL(url, window.location.href).origin === window.location.origin;
  } catch {
    return false;
  }
}

type RouterLinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  url: string;
  external?: boolean;
  download?: string | boolean;
  children?: ReactNode;
};

/**
 * Polaris' `linkComponent` (and usable on its own): plain left clicks on
 * in-app links go through the router; everything else behaves like a link.
 */
export function RouterLink({ url, external, download, children, onClick, target, ...rest }: RouterLinkProps) {
  const router = useContext(RouterContext);
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      !router ||
      external ||
      download ||
      (target && target !== '_self') ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      !isInAppUrl(url)
    ) {
      return;
    }
    event.preventDefault();
    router.navigate(url);
  };
  return (
    <a
      {...rest}
      href={url}
      target={external ? '_blank' : target}
      rel={external ? 'noopener noreferrer' : rest.rel}
      download={download === true ? '' : download || undefined}
      onClick={handleClick}
    >
      {children}
    </a>
  );
}
