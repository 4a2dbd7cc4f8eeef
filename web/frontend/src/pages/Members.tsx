// Members: search by name or email, filter by balance and last activity, sort,
// page with a cursor (fast at 100,000 members), export the filter as CSV.
import { useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Badge,
  Card,
  ChoiceList,
  EmptyState,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  Link,
  Page,
  Text,
  TextField,
  useSetIndexFiltersMode,
  type IndexFiltersProps,
} from '@shopify/polaris';
import emptyStateImage from '../assets/empty-state.svg';
import { apiGet } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { MemberExport } from '../components/MemberExport';
import { keys, useTiers, type Member } from '../queries';
import { useI18n } from '../providers/I18nProvider';
import { useRouter } from '../router';

const ACTIVITY = { active30: 30, active90: 90, inactive90: -90 } as const;
type Activity = keyof typeof ACTIVITY;

export function memberName(m: Pick<Member, 'firstName' | 'lastName' | 'email' | 'customerId'>, guest: string): string {
  const name = [m.firstName, m.lastName].filter(Boolean).join(' ');
  return name || m.email || (m.customerId.startsWith('guest:') ? guest : m.customerId.replace('gid://shopify/Customer/', '#'));
}

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

export default function Members() {
  const { t, formatNumber, locale } = useI18n();
  const { navigate } = useRouter();
  // A click on the row opens the member (IndexTable's convention); a click on the name has already gone there.
  const openMember = (id: string) => {
    if (window.location.pathname !== `/members/${id}`) navigate(`/members/${id}`);
  };
  const [search, setSearch] = useState('');
  const [minPoints, setMinPoints] = useState('');
  const [maxPoints, setMaxPoints] = useState('');
  const [activity, setActivity] = useState<Activity[]>([]);
  const [tier, setTier] = useState<string[]>([]);
  const tiers = useTiers();
  const tierName = (id: string | null | undefined) => tiers.data?.tiers.find((t) => t.id === (id ?? tiers.data?.tiers[0]?.id))?.name ?? '—';
  const [sort, setSort] = useState(['memberSince desc']);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  // Search is the first thing a merchant does here: open with the search field shown.
  const { mode, setMode } = useSetIndexFiltersMode(IndexFiltersMode.Filtering);
  const q = useDebounced(search, 300);
  const min = useDebounced(minPoints, 300);
  const max = useDebounced(maxPoints, 300);

  const filterQuery = useMemo(() => {
    const params = new URLSearchParams();
    const [sortKey, direction] = sort[0]!.split(' ');
    params.set('sort', sortKey!);
    params.set('direction', direction!);
    if (q.trim()) params.set('q', q.trim());
    if (min.trim()) params.set('minPoints', min.trim());
    if (max.trim()) params.set('maxPoints', max.trim());
    if (tier[0]) params.set('tierId', tier[0]);
    const days = activity[0] ? ACTIVITY[activity[0]] : null;
    // Whole days, so the query (and its cache key) stays the same all day.
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    if (days !== null)
      params.set(days > 0 ? 'activeAfter' : 'activeBefore', new Date(today.getTime() - Math.abs(days) * 86_400_000).toISOString());
    return params.toString();
  }, [q, min, max, activity, sort, tier]);

  useEffect(() => setCursors([null]), [filterQuery]);
  const cursor = cursors.at(-1) ?? null;
  const query = useQuery({
    queryKey: [...keys.members, filterQuery, cursor],
    queryFn: ({ signal }) =>
      apiGet<{ members: Member[]; nextCursor: string | null }>(
        `/api/admin/members?${filterQuery}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { signal },
      ),
    placeholderData: keepPreviousData,
  });

  const date = (iso: string | null) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso)) : '—');
  const sortOptions: IndexFiltersProps['sortOptions'] = [
    { label: t('Members.sortMemberSince'), value: 'memberSince asc', directionLabel: t('Members.oldest') },
    { label: t('Members.sortMemberSince'), value: 'memberSince desc', directionLabel: t('Members.newest') },
    { label: t('Members.sortPoints'), value: 'points asc', directionLabel: t('Members.lowest') },
    { label: t('Members.sortPoints'), value: 'points desc', directionLabel: t('Members.highest') },
    { label: t('Members.sortLastActivity'), value: 'lastActivity asc', directionLabel: t('Members.oldest') },
    { label: t('Members.sortLastActivity'), value: 'lastActivity desc', directionLabel: t('Members.newest') },
  ];

  const filters: IndexFiltersProps['filters'] = [
    {
      key: 'tier',
      label: t('Members.filterTier'),
      filter: (
        <ChoiceList
          title={t('Members.filterTier')}
          titleHidden
          choices={(tiers.data?.tiers ?? []).map((x) => ({ label: x.name, value: x.id }))}
          selected={tier}
          onChange={setTier}
        />
      ),
      shortcut: true,
    },
    {
      key: 'points',
      label: t('Members.filterPoints'),
      filter: (
        <>
          <TextField label={t('Members.minPoints')} type="number" value={minPoints} onChange={setMinPoints} autoComplete="off" />
          <TextField label={t('Members.maxPoints')} type="number" value={maxPoints} onChange={setMaxPoints} autoComplete="off" />
        </>
      ),
      shortcut: true,
    },
    {
      key: 'activity',
      label: t('Members.filterActivity'),
      filter: (
        <ChoiceList
          title={t('Members.filterActivity')}
          titleHidden
          choices={[
            { label: t('Members.active30'), value: 'active30' },
            { label: t('Members.active90'), value: 'active90' },
            { label: t('Members.inactive90'), value: 'inactive90' },
          ]}
          selected={activity}
          onChange={(v) => setActivity(v as Activity[])}
        />
      ),
      shortcut: true,
    },
  ];
  const appliedFilters: IndexFiltersProps['appliedFilters'] = [];
  if (minPoints || maxPoints) {
    appliedFilters.push({
      key: 'points',
      label: t('Members.pointsBetween', { min: minPoints || '0', max: maxPoints || '∞' }),
      onRemove: () => (setMinPoints(''), setMaxPoints('')),
    });
  }
  if (tier[0]) appliedFilters.push({ key: 'tier', label: t('Members.inTier', { tier: tierName(tier[0]) }), onRemove: () => setTier([]) });
  if (activity[0]) appliedFilters.push({ key: 'activity', label: t(`Members.${activity[0]}`), onRemove: () => setActivity([]) });

  const members = query.data?.members ?? [];
  const filtered = Boolean(q || min || max || activity.length || tier.length);
  const empty = (
    <EmptyState heading={filtered ? t('Members.noMatchHeading') : t('Members.emptyHeading')} image={emptyStateImage}>
      <p>{filtered ? t('Members.noMatchBody') : t('Members.emptyBody')}</p>
    </EmptyState>
  );

  return (
    <div data-testid="members" data-state={query.isFetching ? 'loading' : 'ready'}>
      <Page title={t('Members.title')} fullWidth secondaryActions={<MemberExport query={filterQuery} />}>
        {query.isError ? <ApiErrorBanner title={t('Members.errorTitle')} error={query.error} onRetry={() => void query.refetch()} /> : null}
        <Card padding="0">
          <IndexFilters
            queryValue={search}
            queryPlaceholder={t('Members.searchPlaceholder')}
            onQueryChange={setSearch}
            onQueryClear={() => setSearch('')}
            sortOptions={sortOptions}
            sortSelected={sort}
            onSort={setSort}
            filters={filters}
            appliedFilters={appliedFilters}
            onClearAll={() => (setMinPoints(''), setMaxPoints(''), setActivity([]), setTier([]))}
            mode={mode}
            setMode={setMode}
            tabs={[]}
            selected={0}
            canCreateNewView={false}
            loading={query.isFetching}
            cancelAction={{ onAction: () => undefined }}
          />
          <IndexTable
            resourceName={{ singular: t('Members.singular'), plural: t('Members.plural') }}
            itemCount={members.length}
            selectable={false}
            loading={query.isPending}
            emptyState={empty}
            headings={[
              { title: t('Members.name') },
              { title: t('Members.email') },
              { title: t('Members.tier') },
              { title: t('Members.available'), alignment: 'end' },
              { title: t('Members.pending'), alignment: 'end' },
              { title: t('Members.lifetimeEarned'), alignment: 'end' },
              { title: t('Members.lastActivity') },
              { title: t('Members.memberSince') },
            ]}
            pagination={{
              hasPrevious: cursors.length > 1,
              hasNext: Boolean(query.data?.nextCursor),
              onPrevious: () => setCursors((c) => c.slice(0, -1)),
              onNext: () => query.data?.nextCursor && setCursors((c) => [...c, query.data!.nextCursor]),
            }}
          >
            {members.map((m, index) => (
              <IndexTable.Row id={m.id} key={m.id} position={index} onClick={() => openMember(m.id)}>
                <IndexTable.Cell>
                  {/* Polaris' IndexTable convention: the name is the row's primary link (bold, not a browser-blue underline); a click anywhere on the row opens the member. */}
                  <span data-testid="member-link">
                    <Link url={`/members/${m.id}`} monochrome removeUnderline>
                      <Text as="span" fontWeight="bold">
                        {memberName(m, t('Members.guest'))}
                      </Text>
                    </Link>
                  </span>{' '}
                  {m.customerId.startsWith('guest:') ? <Badge>{t('Members.guest')}</Badge> : null}
                </IndexTable.Cell>
                <IndexTable.Cell>{m.email ?? '—'}</IndexTable.Cell>
                <IndexTable.Cell>{tierName(m.tierId)}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {formatNumber(m.points.available)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {formatNumber(m.points.pending)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {formatNumber(m.points.lifetimeEarned)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{date(m.lastActivityAt)}</IndexTable.Cell>
                <IndexTable.Cell>{date(m.memberSince)}</IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </Page>
    </div>
  );
}
