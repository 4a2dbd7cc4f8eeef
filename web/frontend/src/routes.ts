// File-based routes: every `pages/Name.tsx` (default export) is a page, loaded
// on demand (its own chunk). `Dashboard` is `/`, `NotFound` answers unknown
// paths, and other names map to kebab-case paths: `EarnRules` → `/earn-rules`;
// dots are path segments and `$name` a parameter: `Members.$id` → `/members/:id`.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { useRouter } from './router';

type PageModule = { default: ComponentType };

export interface PageRoute {
  name: string;
  path: string;
  Component: LazyExoticComponent<ComponentType>;
  preload(): Promise<PageModule>;
}

export const HOME_PAGE = 'Dashboard';
export const NOT_FOUND_PAGE = 'NotFound';

export function pathForPage(name: string): string {
  if (name === HOME_PAGE) return '/';
  const segment = (part: string) =>
    part.startsWith('$') ? `:${part.slice(1)}` : part.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return '/' + name.split('.').map(segment).join('/');
}

/** The parameters of `pattern` (`/members/:id`) in `pathname`, or null when it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = pathname.split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) {
      if (!h) return null;
      params[w.slice(1)] = decodeURIComponent(h);
    } else if (w !== h) return null;
  }
  return params;
}

const modules = import.meta.glob<PageModule>('./pages/*.tsx');

function toRoute(file: string, load: () => Promise<PageModule>): PageRoute {
  const name = file.replace(/^\.\/pages\//, '').replace(/\.tsx$/, '');
  return { name, path: pathForPage(name), Component: lazy(load), preload: load };
}

const allRoutes = Object.entries(modules).map(([file, load]) => toRoute(file, load));

export const routes: readonly PageRoute[] = allRoutes.filter((route) => route.name !== NOT_FOUND_PAGE);

const notFound = allRoutes.find((route) => route.name === NOT_FOUND_PAGE);
if (!notFound) throw new Error('pages/NotFound.tsx is missing');
export const notFoundRoute: PageRoute = notFound;

/** The page for a (normalized) path; NotFound when none matches. */
export function matchRoute(pathname: string): PageRoute {
  return routes.find((route) => matchPath(route.path, pathname) !== null) ?? notFoundRoute;
}

/** The current page's path parameters (`id` of `/members/:id`). */
export function useParams(): Record<string, string> {
  const { pathname } = useRouter();
  return matchPath(matchRoute(pathname).path, pathname) ?? {};
}
