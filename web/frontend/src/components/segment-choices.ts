// The shop's segments as choices for a picker (rewards, campaigns, email
// audiences), each with its member count. `as` says how the choice names a
// segment: 'ref' as rewards and campaigns keep them (a rule segment's id, an
// RFM segment's handle), 'id' as the segments API names them (rfm:<handle>).
import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../api';
import { useI18n } from '../providers/I18nProvider';

export function useSegmentChoices(as: 'ref' | 'id' = 'ref') {
  const { formatNumber } = useI18n();
  const query = useQuery({
    queryKey: ['admin', 'segments'],
    queryFn: ({ signal }) =>
      apiGet<{ segments: Array<{ id: string; handle: string; name: string; kind: 'rfm' | 'rules'; members: number }> }>(
        '/api/admin/segments',
        { signal },
      ),
  });
  return (query.data?.segments ?? []).map((s) => ({
    label: `${s.name} (${formatNumber(s.members)})`,
    value: s.kind === 'rfm' && as === 'ref' ? s.handle : s.id,
  }));
}
