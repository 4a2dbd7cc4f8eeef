// The shop's email settings: sender name, reply-to, the postal address of the
// footer, and the reminder/marketing cap and send window (and win-back's days and gift)
// where the API has them, who win-back and the monthly statement go to (a segment, or every member), and the merchant's
// own address for detractor alerts. Errors show beside their field, as the API names them.
import { useState } from 'react';
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Select, Text, TextField } from '@shopify/polaris';
import { ApiError, apiSend } from '../../api';
import { useI18n } from '../../providers/I18nProvider';
import { useRewards } from '../../queries';
import { useSegmentChoices } from '../segment-choices';

export interface EmailSettings {
  senderName?: string;
  replyTo?: string;
  postalAddress?: string;
  frequencyCapDays?: number;
  sendWindow?: { start: string; end: string };
  winBackDays?: number;
  winBackPoints?: number;
  winBackRewardId?: string;
  /** Only this segment's members (as the segments API names it, rfm:<handle> for RFM); absent: every member. */
  winBackAudienceSegmentId?: string;
  statementAudienceSegmentId?: string;
  /** The merchant's address for an email per detractor answer to a survey; null: off. */
  detractorAlertsTo?: string | null;
}

interface Draft {
  senderName: string;
  replyTo: string;
  postalAddress: string;
  frequencyCapDays: string;
  windowStart: string;
  windowEnd: string;
  winBackDays: string;
  winBackPoints: string;
  winBackRewardId: string;
  winBackAudienceSegmentId: string;
  statementAudienceSegmentId: string;
  detractorAlertsTo: string;
}

const toDraft = (s: EmailSettings): Draft => ({
  senderName: s.senderName ?? '',
  replyTo: s.replyTo ?? '',
  postalAddress: s.postalAddress ?? '',
  frequencyCapDays: s.frequencyCapDays === undefined ? '' : String(s.frequencyCapDays),
  windowStart: s.sendWindow?.start ?? '',
  windowEnd: s.sendWindow?.end ?? '',
  winBackDays: s.winBackDays === undefined ? '' : String(s.winBackDays),
  winBackPoints: s.winBackPoints === undefined ? '' : String(s.winBackPoints),
  winBackRewardId: s.winBackRewardId ?? '',
  winBackAudienceSegmentId: s.winBackAudienceSegmentId ?? '',
  statementAudienceSegmentId: s.statementAudienceSegmentId ?? '',
  detractorAlertsTo: s.detractorAlertsTo ?? '',
});

function toInput(d: Draft, has: EmailSettings): EmailSettings {
  const out: EmailSettings = {};
  if (d.senderName.trim()) out.senderName = d.senderName.trim();
  if (d.replyTo.trim()) out.replyTo = d.replyTo.trim();
  if (d.postalAddress.trim()) out.postalAddress = d.postalAddress.trim();
  if ('frequencyCapDays' in has && d.frequencyCapDays.trim()) out.frequencyCapDays = Number(d.frequencyCapDays);
  if ('sendWindow' in has && d.windowStart && d.windowEnd) out.sendWindow = { start: d.windowStart, end: d.windowEnd };
  if ('winBackDays' in has && d.winBackDays.trim()) out.winBackDays = Number(d.winBackDays);
  if ('winBackPoints' in has && d.winBackPoints.trim()) out.winBackPoints = Number(d.winBackPoints);
  if (d.winBackRewardId) out.winBackRewardId = d.winBackRewardId; // absent: no reward (the PUT replaces the settings)
  // Absent: every member.
  if (d.winBackAudienceSegmentId) out.winBackAudienceSegmentId = d.winBackAudienceSegmentId;
  if (d.statementAudienceSegmentId) out.statementAudienceSegmentId = d.statementAudienceSegmentId;
  // Sent whenever the API has it (empty: off), so saving the card never drops it.
  if ('detractorAlertsTo' in has || d.detractorAlertsTo.trim()) out.detractorAlertsTo = d.detractorAlertsTo.trim() || null;
  return out;
}

export function EmailSettingsCard({ settings, onSaved }: { settings: EmailSettings; onSaved: () => Promise<unknown> }) {
  const { t } = useI18n();
  const rewards = useRewards();
  const rewardOptions = [
    { label: t('Emails.winBackNoReward'), value: '' },
    ...(rewards.data?.rewards ?? [])
      .filter((r) => r.enabled || r.id === settings.winBackRewardId)
      .map((r) => ({ label: r.name, value: r.id })),
  ];
  const audienceOptions = [{ label: t('Emails.everyMember'), value: '' }, ...useSegmentChoices('id')];
  const [draft, setDraft] = useState(() => toDraft(settings));
  const [fields, setFields] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ tone: 'success' | 'critical'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (k: keyof Draft) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const save = async () => {
    setSaving(true);
    setStatus(null);
    try {
      await apiSend('PUT', '/api/admin/emails/settings', toInput(draft, settings));
      setFields({});
      await onSaved();
      setStatus({ tone: 'success', text: t('Emails.settingsSaved') });
    } catch (error) {
      setFields(error instanceof ApiError ? (error.fields ?? {}) : {});
      setStatus({ tone: 'critical', text: error instanceof ApiError ? (error.detail ?? error.message) : String(error) });
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card>
      <div data-testid="email-settings">
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t('Emails.settingsTitle')}
          </Text>
          {status ? <Banner tone={status.tone}>{status.text}</Banner> : null}
          <FormLayout>
            <FormLayout.Group>
              <TextField
                label={t('Emails.senderName')}
                value={draft.senderName}
                onChange={set('senderName')}
                autoComplete="off"
                error={fields.senderName}
              />
              <TextField
                label={t('Emails.replyTo')}
                type="email"
                value={draft.replyTo}
                onChange={set('replyTo')}
                autoComplete="off"
                error={fields.replyTo}
              />
            </FormLayout.Group>
            <TextField
              label={t('Emails.postalAddress')}
              helpText={t('Emails.postalAddressHelp')}
              value={draft.postalAddress}
              onChange={set('postalAddress')}
              autoComplete="off"
              error={fields.postalAddress}
            />
            {'frequencyCapDays' in settings || 'sendWindow' in settings ? (
              <FormLayout.Group>
                {'frequencyCapDays' in settings ? (
                  <TextField
                    label={t('Emails.capDays')}
                    helpText={t('Emails.capDaysHelp')}
                    type="number"
                    value={draft.frequencyCapDays}
                    onChange={set('frequencyCapDays')}
                    autoComplete="off"
                    error={fields.frequencyCapDays}
                  />
                ) : null}
                {'sendWindow' in settings ? (
                  <TextField
                    label={t('Emails.windowStart')}
                    type="time"
                    value={draft.windowStart}
                    onChange={set('windowStart')}
                    autoComplete="off"
                    error={fields['sendWindow.start']}
                  />
                ) : null}
                {'sendWindow' in settings ? (
                  <TextField
                    label={t('Emails.windowEnd')}
                    type="time"
                    value={draft.windowEnd}
                    onChange={set('windowEnd')}
                    autoComplete="off"
                    error={fields['sendWindow.end']}
                  />
                ) : null}
              </FormLayout.Group>
            ) : null}
            {'winBackDays' in settings ? (
              <FormLayout.Group>
                <TextField
                  label={t('Emails.winBackDays')}
                  type="number"
                  value={draft.winBackDays}
                  onChange={set('winBackDays')}
                  autoComplete="off"
                  error={fields.winBackDays}
                />
                <TextField
                  label={t('Emails.winBackPoints')}
                  helpText={t('Emails.winBackGiftHelp')}
                  type="number"
                  value={draft.winBackPoints}
                  onChange={set('winBackPoints')}
                  autoComplete="off"
                  error={fields.winBackPoints}
                />
                <Select
                  label={t('Emails.winBackReward')}
                  options={rewardOptions}
                  value={draft.winBackRewardId}
                  onChange={set('winBackRewardId')}
                  error={fields.winBackRewardId}
                />
              </FormLayout.Group>
            ) : null}
            <FormLayout.Group>
              <Select
                label={t('Emails.winBackAudience')}
                helpText={t('Emails.audienceHelp')}
                options={audienceOptions}
                value={draft.winBackAudienceSegmentId}
                onChange={set('winBackAudienceSegmentId')}
                error={fields.winBackAudienceSegmentId}
              />
              <Select
                label={t('Emails.statementAudience')}
                options={audienceOptions}
                value={draft.statementAudienceSegmentId}
                onChange={set('statementAudienceSegmentId')}
                error={fields.statementAudienceSegmentId}
              />
            </FormLayout.Group>
            <TextField
              label={t('Emails.detractorAlertsTo')}
              helpText={t('Emails.detractorAlertsHelp')}
              type="email"
              value={draft.detractorAlertsTo}
              onChange={set('detractorAlertsTo')}
              autoComplete="off"
              error={fields.detractorAlertsTo}
            />
          </FormLayout>
          <InlineStack align="end">
            <Button variant="primary" onClick={save} loading={saving}>
              {t('Emails.saveSettings')}
            </Button>
          </InlineStack>
        </BlockStack>
      </div>
    </Card>
  );
}
