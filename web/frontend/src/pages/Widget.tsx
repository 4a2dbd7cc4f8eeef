// The storefront widget: launcher appearance and texts, with a live preview
// beside the form, and the link that switches the widget on in the theme.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Banner,
  BlockStack,
  Button,
  ButtonGroup,
  Card,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  SkeletonPage,
  Text,
} from '@shopify/polaris';
import { apiSend } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { CheckboxInput, NumberInput, SelectInput, TextInput } from '../forms/fields';
import { SaveBarForm } from '../forms/SaveBar';
import { useForm } from '../forms/useForm';
import {
  LAUNCHER_ICONS,
  LAUNCHER_POSITIONS,
  parseWidgetSettings,
  STOREFRONT_LOCALES,
  type WidgetSettings,
} from '../../../loyalty/domain/widget';
import type { MessageKey } from '../i18n';
import { keys, useInvalidate, useProgram, type ProgramInfo } from '../queries';
import { useI18n } from '../providers/I18nProvider';
import { themeEditorUrl } from '../widget-embed';

type Audience = 'guest' | 'member';

/** The preview iframe (/widget-preview), sent the settings as they are edited. */
const PREVIEW_LANGUAGES = STOREFRONT_LOCALES.map((l) => ({ value: l.code, label: l.name }));

function Preview({ settings, program, shopDomain }: { settings: WidgetSettings; program: ProgramInfo; shopDomain: string }) {
  const { t, locale } = useI18n();
  const frame = useRef<HTMLIFrameElement>(null);
  const [audience, setAudience] = useState<Audience>('guest');
  // The storefront's language is the shopper's, not the admin's: any of the widget's, starting from the admin's own.
  const [language, setLanguage] = useState<string>(() => (PREVIEW_LANGUAGES.some((l) => l.value === locale) ? locale : 'en'));
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.origin === window.location.origin && event.data?.type === 'tally:widget-preview-ready') setReady(true);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);

  useEffect(() => {
    if (!ready) return;
    frame.current?.contentWindow?.postMessage(
      {
        type: 'tally:widget-settings',
        settings,
        audience,
        locale: language,
        program: {
          name: program.name,
          currencyName: program.settings.currencyName,
          joinText: t('Widget.previewJoin'),
          hiddenText: t('Widget.previewHidden'),
        },
      },
      window.location.origin,
    );
  }, [ready, settings, audience, language, program, t]);

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t('Widget.preview')}
        </Text>
        <InlineStack gap="300" blockAlign="end" wrap>
          <ButtonGroup variant="segmented">
            <Button pressed={audience === 'guest'} onClick={() => setAudience('guest')}>
              {t('Widget.asGuest')}
            </Button>
            <Button pressed={audience === 'member'} onClick={() => setAudience('member')}>
              {t('Widget.asMember')}
            </Button>
          </ButtonGroup>
          <Select label={t('Widget.previewLanguage')} options={PREVIEW_LANGUAGES} value={language} onChange={setLanguage} />
        </InlineStack>
        <iframe
          ref={frame}
          title={t('Widget.previewFrame')}
          // The shop names who may frame the preview (its admin, admin.shopify.com), as for the admin's own pages.
          src={`/widget-preview?shop=${encodeURIComponent(shopDomain)}`}
          data-testid="widget-preview"
          style={{ width: '100%', height: 420, border: '1px solid var(--p-color-border)', borderRadius: 'var(--p-border-radius-200)' }}
        />
      </BlockStack>
    </Card>
  );
}

function WidgetForm({ initial, program, shopDomain }: { initial: WidgetSettings; program: ProgramInfo; shopDomain: string }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const save = useCallback(
    async (settings: WidgetSettings) => {
      await apiSend('PUT', '/api/admin/program/widget', settings);
      await invalidate(keys.program);
    },
    [invalidate],
  );
  const form = useForm(initial, parseWidgetSettings, save);
  const options = (prefix: string, values: readonly string[]) => values.map((v) => ({ value: v, label: t(`${prefix}${v}` as MessageKey) }));
  // The preview shows what the form holds, defaults filled in, even before it is valid.
  const shown = parseWidgetSettings(form.value);

  return (
    <SaveBarForm form={form} testId="widget-form">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Banner
              tone="info"
              title={t('Widget.embedTitle')}
              action={{ content: t('Onboarding.openThemeEditor'), url: themeEditorUrl(shopDomain), external: true }}
            >
              <p>{t('Widget.embedBody')}</p>
            </Banner>
            {form.formError ? <Banner tone="critical">{form.formError}</Banner> : null}
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  {t('Widget.launcher')}
                </Text>
                <CheckboxInput form={form} path="enabled" label={t('Widget.enabled')} />
                <FormLayout.Group>
                  <SelectInput
                    form={form}
                    path="launcher.position"
                    label={t('Widget.position')}
                    options={options('Widget.position_', LAUNCHER_POSITIONS)}
                  />
                  <SelectInput
                    form={form}
                    path="launcher.icon"
                    label={t('Widget.icon')}
                    options={options('Widget.icon_', LAUNCHER_ICONS)}
                  />
                </FormLayout.Group>
                <TextInput form={form} path="launcher.label" label={t('Widget.label')} helpText={t('Widget.labelHelp')} maxLength={30} />
                <NumberInput form={form} path="launcher.offset" label={t('Widget.offset')} suffix="px" />
                <CheckboxInput form={form} path="launcher.showOnMobile" label={t('Widget.showOnMobile')} />
                <FormLayout.Group>
                  <TextInput form={form} path="colors.accent" label={t('Widget.accent')} helpText={t('Widget.colorHelp')} />
                  <TextInput form={form} path="colors.text" label={t('Widget.textColor')} helpText={t('Widget.colorHelp')} />
                </FormLayout.Group>
              </FormLayout>
            </Card>
            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  {t('Widget.texts')}
                </Text>
                <Text as="p" tone="subdued">
                  {t('Widget.textsHelp')}
                </Text>
                <TextInput form={form} path="texts.guestTitle" label={t('Widget.guestTitle')} maxLength={80} />
                <TextInput form={form} path="texts.guestBody" label={t('Widget.guestBody')} multiline maxLength={300} />
                <TextInput form={form} path="texts.memberTitle" label={t('Widget.memberTitle')} maxLength={80} />
              </FormLayout>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Preview settings={shown.ok ? shown.value : initial} program={program} shopDomain={shopDomain} />
        </Layout.Section>
      </Layout>
    </SaveBarForm>
  );
}

export default function Widget() {
  const { t } = useI18n();
  const query = useProgram();
  if (query.isPending) return <SkeletonPage title={t('Widget.title')} />;
  if (query.isError)
    return (
      <Page title={t('Widget.title')}>
        <ApiErrorBanner title={t('Widget.errorTitle')} error={query.error} />
      </Page>
    );
  const { program, shop } = query.data;
  if (!program) {
    return (
      <Page title={t('Widget.title')}>
        <Banner
          tone="warning"
          title={t('Dashboard.noProgramTitle')}
          action={{ content: t('Dashboard.finishSetupAction'), url: '/onboarding' }}
        />
      </Page>
    );
  }
  return (
    <div data-testid="widget">
      <Page title={t('Widget.title')} subtitle={t('Widget.subtitle')}>
        <WidgetForm initial={program.widget} program={program} shopDomain={shop.domain} />
      </Page>
    </div>
  );
}
