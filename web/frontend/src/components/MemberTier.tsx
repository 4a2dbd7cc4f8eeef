// A member's tier on the member page: the tier held and why, progress to the
// next one, and the merchant's assignment (a tier kept until a date, or
// handed back to the policy).
import { useCallback } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Banner, BlockStack, Button, Card, FormLayout, ProgressBar, Select, Text } from '@shopify/polaris';
import { apiGet, apiSend } from '../api';
import { TextInput } from '../forms/fields';
import { useForm, type FieldErrors } from '../forms/useForm';
import { keys, useInvalidate, useTiers } from '../queries';
import { useI18n } from '../providers/I18nProvider';

interface MemberTierView {
  tier: { id: string; name: string; reason: string; keptUntil: string | null } | null;
  nextTier: { id: string; name: string; remaining: number; basis: string } | null;
  progress: { value: number; basis: string } | null;
  manual: { tierId: string; lockedUntil: string | null } | null;
}

interface Assignment {
  tierId: string;
  lockedUntil: string;
  reason: string;
}

function parseAssignment(a: Assignment) {
  const errors: FieldErrors = {};
  if (a.reason.trim().length < 3) errors.reason = 'say why, in a few words';
  if (a.lockedUntil && Number.isNaN(Date.parse(a.lockedUntil))) errors.lockedUntil = 'a date like 2027-01-31';
  else if (a.lockedUntil && Date.parse(a.lockedUntil) <= Date.now()) errors.lockedUntil = 'must be in the future';
  return Object.keys(errors).length ? ({ ok: false, errors } as const) : ({ ok: true, value: a } as const);
}

export function MemberTier({ memberId, onChange }: { memberId: string; onChange(): void }) {
  const { t, locale, formatNumber } = useI18n();
  const invalidate = useInvalidate();
  const tiers = useTiers();
  const key = [...keys.members, 'tier', memberId];
  const view = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => apiGet<MemberTierView>(`/api/admin/members/${encodeURIComponent(memberId)}/tier`, { signal }),
  });
  const save = useCallback(
    async (a: Assignment) => {
      await apiSend('POST', `/api/admin/members/${encodeURIComponent(memberId)}/tier`, {
        tierId: a.tierId || null,
        lockedUntil: a.lockedUntil ? new Date(a.lockedUntil).toISOString() : null,
        reason: a.reason,
      });
      await invalidate(key, keys.tiers);
      onChange();
    },
    [memberId, invalidate, onChange],
  );
  const form = useForm<Assignment, Assignment>({ tierId: '', lockedUntil: '', reason: '' }, parseAssignment, save);
  const date = (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
  const data = view.data;
  const held = data?.tier;
  const next = data?.nextTier;
  const nextThreshold = next ? tiers.data?.tiers.find((x) => x.id === next.id)?.threshold : undefined;
  const progress = next && nextThreshold ? Math.min(100, Math.max(0, ((nextThreshold - next.remaining) / nextThreshold) * 100)) : 100;

  return (
    <Card>
      <div data-testid="member-tier" data-tier={held?.id ?? ''}>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t('Member.tier')}
          </Text>
          <Text as="p" variant="headingLg">
            {held?.name ?? t('Member.noTier')}
          </Text>
          {held?.keptUntil ? (
            <Text as="p" tone="subdued">
              {t('Member.keptUntil', { date: date(held.keptUntil) })}
            </Text>
          ) : null}
          {held?.reason ? (
            <Text as="p" tone="subdued">
              {t('Member.tierReason', { reason: held.reason })}
            </Text>
          ) : null}
          {next ? (
            <BlockStack gap="100">
              <ProgressBar progress={progress} size="small" ariaLabelledBy="next-tier-label" />
              <Text as="p" tone="subdued" id="next-tier-label">
                {t('Member.nextTier', { remaining: formatNumber(next.remaining), name: next.name })}
              </Text>
            </BlockStack>
          ) : null}
          <form
            data-testid="assign-tier"
            onSubmit={(e) => {
              e.preventDefault();
              void form.submit().then((ok) => ok && form.replace({ tierId: '', lockedUntil: '', reason: '' }));
            }}
          >
            <FormLayout>
              <Text as="h3" variant="headingSm">
                {t('Member.assignTitle')}
              </Text>
              {form.formError && !Object.keys(form.errors).length ? <Banner tone="critical">{form.formError}</Banner> : null}
              <Select
                label={t('Member.assignTier')}
                options={[
                  { label: t('Member.automatic'), value: '' },
                  ...(tiers.data?.tiers ?? []).map((x) => ({ label: x.name, value: x.id })),
                ]}
                value={form.value.tierId}
                onChange={(v) => form.set('tierId', v)}
                error={form.errors.tierId}
              />
              <TextInput form={form} path="lockedUntil" label={t('Member.lockedUntil')} />
              <TextInput form={form} path="reason" label={t('Member.adjustReason')} maxLength={500} />
              <Button submit loading={form.submitting}>
                {t('Member.assign')}
              </Button>
            </FormLayout>
          </form>
        </BlockStack>
      </div>
    </Card>
  );
}
