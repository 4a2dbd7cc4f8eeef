// "Create survey": the type (NPS, CSAT, CES, CLI or a poll), a name, the points
// for answering, when members are asked, how often at most, where, and a poll's
// choices or a CES task. Posts to /api/admin/surveys; the server's field
// messages show beside their inputs.
import { useState } from 'react';
import { BlockStack, Checkbox, FormLayout, InlineStack, Modal, Select, Text, TextField } from '@shopify/polaris';
import { ApiError, apiSend } from '../../api';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../providers/I18nProvider';
import { CHANNELS, SURVEY_TYPES, TRIGGER_KINDS, type Survey, type SurveyType, type TriggerKind } from './types';

export function CreateSurvey({ onClose, onCreated }: { onClose(): void; onCreated(survey: Survey): void }) {
  const { t } = useI18n();
  const [type, setType] = useState<SurveyType>('nps');
  const [name, setName] = useState('');
  const [points, setPoints] = useState('50');
  const [trigger, setTrigger] = useState<TriggerKind>('manual');
  const [days, setDays] = useState('7');
  const [months, setMonths] = useState('6');
  const [periodDays, setPeriodDays] = useState('90');
  const [channels, setChannels] = useState<string[]>([...CHANNELS]);
  const [choices, setChoices] = useState('');
  const [task, setTask] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  async function save() {
    setSaving(true);
    setErrors({});
    const content: Record<string, unknown> = {};
    if (type === 'poll')
      content.choices = choices
        .split('\n')
        .map((c) => c.trim())
        .filter(Boolean);
    if (type === 'ces' && task.trim()) content.task = task.trim();
    const body = {
      type,
      name: name.trim() || t(`Feedback.types.${type}` as MessageKey),
      pointsForAnswer: Number(points),
      trigger:
        trigger === 'after_fulfilment'
          ? { kind: trigger, days: Number(days) }
          : trigger === 'every_months'
            ? { kind: trigger, months: Number(months) }
            : { kind: trigger },
      periodDays: Number(periodDays),
      channels,
      content,
    };
    try {
      const { survey } = await apiSend<{ survey: Survey }>('POST', '/api/admin/surveys', body);
      onCreated(survey);
    } catch (error) {
      setErrors(error instanceof ApiError ? (error.fields ?? { _: error.detail ?? error.message }) : { _: String(error) });
    } finally {
      setSaving(false);
    }
  }

  const number = (label: string, value: string, set: (v: string) => void, error?: string, suffix?: string) => (
    <TextField label={label} type="number" value={value} onChange={set} autoComplete="off" error={error} suffix={suffix} min={0} />
  );
  return (
    <Modal
      open
      onClose={onClose}
      title={t('Feedback.createTitle')}
      primaryAction={{ content: t('Feedback.create'), onAction: () => void save(), loading: saving }}
      secondaryActions={[{ content: t('Feedback.cancel'), onAction: onClose }]}
    >
      <Modal.Section>
        <div data-testid="create-survey">
          <FormLayout>
            <Select
              label={t('Feedback.type')}
              options={SURVEY_TYPES.map((v) => ({ label: t(`Feedback.typeLong.${v}` as MessageKey), value: v }))}
              value={type}
              onChange={(v) => setType(v as SurveyType)}
              error={errors.type}
            />
            <TextField
              label={t('Feedback.name')}
              value={name}
              onChange={setName}
              autoComplete="off"
              placeholder={t(`Feedback.types.${type}` as MessageKey)}
              error={errors.name}
            />
            {type === 'poll' ? (
              <TextField
                label={t('Feedback.choices')}
                helpText={t('Feedback.choicesHelp')}
                value={choices}
                onChange={setChoices}
                multiline={4}
                autoComplete="off"
                error={errors['content.choices']}
              />
            ) : null}
            {type === 'ces' ? (
              <TextField
                label={t('Feedback.task')}
                helpText={t('Feedback.taskHelp')}
                value={task}
                onChange={setTask}
                autoComplete="off"
                error={errors['content.task']}
              />
            ) : null}
            <FormLayout.Group>
              {number(t('Feedback.points'), points, setPoints, errors.pointsForAnswer)}
              {number(t('Feedback.periodDays'), periodDays, setPeriodDays, errors.periodDays, t('Feedback.daysSuffix'))}
            </FormLayout.Group>
            <Select
              label={t('Feedback.trigger')}
              options={TRIGGER_KINDS.map((v) => ({ label: t(`Feedback.triggers.${v}` as MessageKey), value: v }))}
              value={trigger}
              onChange={(v) => setTrigger(v as TriggerKind)}
              error={errors['trigger.kind'] ?? errors.trigger}
            />
            {trigger === 'after_fulfilment'
              ? number(t('Feedback.afterDays'), days, setDays, errors['trigger.days'], t('Feedback.daysSuffix'))
              : null}
            {trigger === 'every_months' ? number(t('Feedback.everyMonths'), months, setMonths, errors['trigger.months']) : null}
            <BlockStack gap="100">
              <Text as="p">{t('Feedback.channels')}</Text>
              <InlineStack gap="400">
                {CHANNELS.map((c) => (
                  <Checkbox
                    key={c}
                    label={t(`Feedback.channel.${c}` as MessageKey)}
                    checked={channels.includes(c)}
                    onChange={(on) => setChannels((all) => (on ? [...all, c] : all.filter((x) => x !== c)))}
                  />
                ))}
              </InlineStack>
              {errors.channels ? (
                <Text as="p" tone="critical">
                  {errors.channels}
                </Text>
              ) : null}
            </BlockStack>
            {errors._ ? (
              <Text as="p" tone="critical">
                {errors._}
              </Text>
            ) : null}
          </FormLayout>
        </div>
      </Modal.Section>
    </Modal>
  );
}
