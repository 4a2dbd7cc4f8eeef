// File-based routes: every `pages/Name.tsx` (default export) is a page, loaded
// on demand (its own chunk). `Dashboard` is `/`, `NotFound` answers unknown
// paths, and other names map to kebab-case paths: `EarnRules` → `/earn-rules`.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

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
  return '/' + name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
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
  return routes.find((route) => route.path === pathname) ?? notFoundRoute;
}
