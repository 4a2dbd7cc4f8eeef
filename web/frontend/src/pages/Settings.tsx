// Program settings: name and what points are called, what an order earns on,
// pending period, expiry, negative balances, rounding. Saved with the
// domain's schemas (program settings and the purchase rule's config).
import { useCallback } from 'react';
import { BlockStack, Banner, Card, FormLayout, Layout, Page, Select, SkeletonPage, Text } from '@shopify/polaris';
import { apiSend } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { CheckboxInput, NumberInput, SelectInput, TextInput } from '../forms/fields';
import { SaveBarForm } from '../forms/SaveBar';
import { useForm, type FieldErrors } from '../forms/useForm';
import { parseProgramSettings, programNameSchema, type ProgramSettings } from '../../../loyalty/domain/program';
import { purchaseConfig } from '../../../loyalty/domain/rules/purchase';
import { parseWith } from '../../../loyalty/domain/validation';
import type { MessageKey } from '../i18n';
import { keys, useEarnRules, useInvalidate, useProgram, type EarnRule } from '../queries';
import { useI18n } from '../providers/I18nProvider';

interface SettingsDraft {
  name: string;
  enabled: boolean;
  settings: ProgramSettings;
  /** The purchase rule's earn base, when the program has one. */
  purchase: Record<string, unknown> | null;
}

function parseDraft(d: SettingsDraft) {
  const errors: FieldErrors = {};
  const name = programNameSchema.safeParse(d.name);
  if (!name.success) errors.name = name.error.issues[0]!.message;
  const settings = parseProgramSettings(d.settings);
  if (!settings.ok) for (const [k, v] of Object.entries(settings.errors)) errors[`settings.${k}`] = v;
  const purchase = d.purchase ? parseWith(purchaseConfig, d.purchase) : null;
  if (purchase && !purchase.ok) for (const [k, v] of Object.entries(purchase.errors)) errors[`purchase.${k}`] = v;
  return Object.keys(errors).length ? ({ ok: false, errors } as const) : ({ ok: true, value: d } as const);
}

function SettingsForm({ initial, purchaseRule }: { initial: SettingsDraft; purchaseRule: EarnRule | null }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const save = useCallback(
    async (d: SettingsDraft) => {
      await apiSend('PUT', '/api/admin/program', { name: d.name, enabled: d.enabled, settings: d.settings });
      if (purchaseRule && d.purchase && JSON.stringify(d.purchase) !== JSON.stringify(purchaseRule.config)) {
        await apiSend('PUT', `/api/admin/earn-rules/${purchaseRule.id}`, { ...purchaseRule, config: d.purchase });
      }
      await invalidate(keys.program, keys.rules, keys.dashboard);
    },
    [invalidate, purchaseRule],
  );
  const form = useForm(initial, parseDraft, save);
  const expiry = form.value.settings.expiry.kind;
  const options = (prefix: string, values: string[]) => values.map((v) => ({ value: v, label: t(`${prefix}${v}` as MessageKey) }));

  return (
    <SaveBarForm form={form} testId="settings-form">
      <Layout>
        {form.formError ? (
          <Layout.Section>
            <Banner tone="critical">{form.formError}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.AnnotatedSection title={t('Settings.programTitle')} description={t('Settings.programBody')}>
          <Card>
            <FormLayout>
              <TextInput form={form} path="name" label={t('Settings.name')} maxLength={60} />
              <TextInput
                form={form}
                path="settings.currencyName"
                label={t('Settings.currencyName')}
                helpText={t('Settings.currencyNameHelp')}
              />
              <CheckboxInput form={form} path="enabled" label={t('Settings.enabled')} helpText={t('Settings.enabledHelp')} />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        {form.value.purchase ? (
          <Layout.AnnotatedSection title={t('Settings.earnBaseTitle')} description={t('Settings.earnBaseBody')}>
            <Card>
              <FormLayout>
                <TextInput form={form} path="purchase.rate" label={t('Config.rate')} helpText={t('ConfigHelp.rate')} />
                <CheckboxInput form={form} path="purchase.includeTax" label={t('Config.includeTax')} />
                <CheckboxInput form={form} path="purchase.includeShipping" label={t('Config.includeShipping')} />
                <CheckboxInput form={form} path="purchase.includeTips" label={t('Config.includeTips')} />
                <CheckboxInput form={form} path="purchase.includeGiftCards" label={t('Config.includeGiftCards')} />
                <SelectInput
                  form={form}
                  path="settings.rounding"
                  label={t('Settings.rounding')}
                  options={options('Config.rounding_', ['down', 'nearest', 'up'])}
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
        ) : null}
        <Layout.AnnotatedSection title={t('Settings.pendingTitle')} description={t('Settings.pendingBody')}>
          <Card>
            <FormLayout>
              <NumberInput form={form} path="settings.pendingDays" label={t('Settings.pendingDays')} suffix={t('Settings.days')} />
              <CheckboxInput form={form} path="settings.pendingUntilFulfilled" label={t('Settings.pendingUntilFulfilled')} />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t('Settings.expiryTitle')} description={t('Settings.expiryBody')}>
          <Card>
            <FormLayout>
              <Select
                label={t('Settings.expiry')}
                options={options('Settings.expiry_', ['never', 'after-earning', 'after-inactivity'])}
                value={expiry}
                // Switching expiry on starts at a year; switching it off drops the months.
                onChange={(kind) => {
                  const current = form.value.settings.expiry;
                  const months = 'months' in current ? current.months : 12;
                  form.set('settings.expiry', kind === 'never' ? { kind } : { kind, months });
                }}
              />
              {expiry !== 'never' ? (
                <NumberInput form={form} path="settings.expiry.months" label={t('Settings.expiryMonths')} suffix={t('Settings.months')} />
              ) : null}
              <NumberInput
                form={form}
                path="settings.expiringSoonDays"
                label={t('Settings.expiringSoonDays')}
                suffix={t('Settings.days')}
                helpText={t('Settings.expiringSoonHelp')}
              />
              <CheckboxInput
                form={form}
                path="settings.returnPointsOnExpiredCodes"
                label={t('Settings.returnPoints')}
                helpText={t('Settings.returnPointsHelp')}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t('Settings.balanceTitle')} description={t('Settings.balanceBody')}>
          <Card>
            <SelectInput
              form={form}
              path="settings.negativeBalance"
              label={t('Settings.negativeBalance')}
              options={options('Settings.negative_', ['floor-at-zero', 'allow-negative'])}
            />
          </Card>
        </Layout.AnnotatedSection>
        <Layout.Section>
          <BlockStack inlineAlign="end">
            <button type="submit" hidden />
            <Text as="p" tone="subdued">
              {form.dirty ? t('Forms.unsaved') : t('Settings.saved')}
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </SaveBarForm>
  );
}

export default function Settings() {
  const { t } = useI18n();
  const program = useProgram();
  const rules = useEarnRules();
  if (program.isPending || rules.isPending) return <SkeletonPage title={t('Settings.title')} />;
  const error = program.error ?? rules.error;
  if (error)
    return (
      <Page title={t('Settings.title')}>
        <ApiErrorBanner title={t('Settings.errorTitle')} error={error} />
      </Page>
    );
  if (!program.data?.program) {
    return (
      <Page title={t('Settings.title')}>
        <Banner
          tone="warning"
          title={t('Dashboard.noProgramTitle')}
          action={{ content: t('Dashboard.finishSetupAction'), url: '/onboarding' }}
        />
      </Page>
    );
  }
  const p = program.data.program;
  const purchaseRule = rules.data?.rules.find((r) => r.type === 'purchase') ?? null;
  return (
    <div data-testid="settings">
      <Page title={t('Settings.title')}>
        <SettingsForm
          initial={{ name: p.name, enabled: p.enabled, settings: p.settings, purchase: purchaseRule?.config ?? null }}
          purchaseRule={purchaseRule}
        />
      </Page>
    </div>
  );
}
