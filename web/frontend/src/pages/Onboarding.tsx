// First run: the default program in one click, then the storefront widget
// switched on in the theme editor, then a look at the rewards.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Layout,
  List,
  Page,
  ProgressBar,
  SkeletonPage,
  Text,
  TextField,
} from '@shopify/polaris';
import { CheckCircleIcon } from '@shopify/polaris-icons';
import { Icon } from '@shopify/polaris';
import { apiSend } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import { programNameSchema } from '../../../loyalty/domain/program';
import { keys, useInvalidate, useProgram, type ProgramInfo } from '../queries';
import { useI18n } from '../providers/I18nProvider';
import { useRouter } from '../router';
import { themeEditorUrl } from '../widget-embed';
import { localiseMessage } from '../forms/messages';

/**
 * A step's card. The header is the check (fixed size, before the title) and
 * the title, on one line: a bare Icon in a flex row takes its free space
 * (the icon's auto margins), pushing the title to the card's edge.
 */
function Step({ done, title, children, testId }: { done: boolean; title: string; children: React.ReactNode; testId: string }) {
  const { t } = useI18n();
  return (
    <div data-testid={testId} data-done={done}>
      <Card>
        <BlockStack gap="300">
          <InlineStack gap="200" blockAlign="center" wrap={false}>
            {done ? (
              <span
                data-testid="step-check"
                style={{ display: 'inline-flex', flex: 'none', width: 'var(--p-space-500)', height: 'var(--p-space-500)' }}
              >
                <Icon source={CheckCircleIcon} tone="success" accessibilityLabel={t('Onboarding.stepDone')} />
              </span>
            ) : null}
            <Text as="h2" variant="headingMd">
              {title}
            </Text>
          </InlineStack>
          {children}
        </BlockStack>
      </Card>
    </div>
  );
}

export default function Onboarding() {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const invalidate = useInvalidate();
  const query = useProgram();
  const [name, setName] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (programName: string) => apiSend<{ program: ProgramInfo }>('POST', '/api/admin/program', { name: programName }),
    onSuccess: () => invalidate(keys.program, keys.rules, keys.rewards, ['admin', 'shop']),
  });
  // Step 2 is the shop's, not this browser's: another admin, another device, a reload all see it done.
  const embedOpened = useMutation({
    mutationFn: () => apiSend('POST', '/api/admin/program/embed-opened'),
    onSuccess: () => invalidate(keys.program),
  });
  const finish = useMutation({
    mutationFn: () => apiSend('POST', '/api/admin/program/onboarded'),
    onSuccess: async () => {
      await invalidate(keys.program);
      navigate('/');
    },
  });

  if (query.isPending) return <SkeletonPage title={t('Onboarding.title')} />;
  if (query.isError)
    return (
      <Page title={t('Onboarding.title')}>
        <ApiErrorBanner title={t('Onboarding.errorTitle')} error={query.error} onRetry={() => void query.refetch()} />
      </Page>
    );

  const { shop, program } = query.data;
  const programName = name ?? t('Onboarding.defaultName', { shop: shop.name });
  const nameCheck = programNameSchema.safeParse(programName);
  const widgetDone = Boolean(program?.embedOpenedAt || program?.embedSeenAt);
  const steps = [program !== null, widgetDone, Boolean(program?.onboardedAt)];
  const progress = (steps.filter(Boolean).length / steps.length) * 100;

  return (
    <div data-testid="onboarding" data-progress={Math.round(progress)}>
      <Page title={t('Onboarding.title')} subtitle={t('Onboarding.subtitle')} narrowWidth>
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <ProgressBar progress={progress} size="small" tone="primary" ariaLabelledBy="onboarding-progress" />
              <span id="onboarding-progress" hidden>
                {t('Onboarding.progress')}
              </span>
              <Step testId="step-program" done={program !== null} title={t('Onboarding.step1Title')}>
                {program ? (
                  <Text as="p">{t('Onboarding.step1Done', { name: program.name })}</Text>
                ) : (
                  <BlockStack gap="300">
                    <Text as="p">{t('Onboarding.step1Body')}</Text>
                    <List>
                      <List.Item>{t('Onboarding.defaultEarn')}</List.Item>
                      <List.Item>{t('Onboarding.defaultSignup')}</List.Item>
                      <List.Item>{t('Onboarding.defaultRewards')}</List.Item>
                      <List.Item>{t('Onboarding.defaultPending')}</List.Item>
                    </List>
                    <TextField
                      label={t('Onboarding.nameLabel')}
                      value={programName}
                      onChange={setName}
                      autoComplete="off"
                      error={nameCheck.success ? undefined : localiseMessage(nameCheck.error.issues[0]?.message ?? '', t)}
                      helpText={t('Onboarding.nameHelp')}
                    />
                    {create.isError ? <ApiErrorBanner title={t('Onboarding.createFailed')} error={create.error} /> : null}
                    <InlineStack>
                      <Button
                        variant="primary"
                        loading={create.isPending}
                        disabled={!nameCheck.success}
                        onClick={() => create.mutate(programName)}
                      >
                        {t('Onboarding.create')}
                      </Button>
                    </InlineStack>
                  </BlockStack>
                )}
              </Step>
              <Step testId="step-widget" done={widgetDone} title={t('Onboarding.step2Title')}>
                <Text as="p">{t('Onboarding.step2Body')}</Text>
                {program?.embedSeenAt ? (
                  <Text as="p" tone="success">
                    {t('Onboarding.embedSeen')}
                  </Text>
                ) : null}
                {program?.embedOpenedAt && !program.embedSeenAt ? (
                  <Text as="p" tone="subdued">
                    {t('Onboarding.embedNotSeen')}
                  </Text>
                ) : null}
                <InlineStack gap="200">
                  <Button disabled={!program} url={themeEditorUrl(shop.domain)} external onClick={() => embedOpened.mutate()}>
                    {t('Onboarding.openThemeEditor')}
                  </Button>
                  <Button variant="plain" disabled={!program} url="/widget">
                    {t('Onboarding.customiseWidget')}
                  </Button>
                </InlineStack>
              </Step>
              <Step testId="step-finish" done={Boolean(program?.onboardedAt)} title={t('Onboarding.step3Title')}>
                <Text as="p">{t('Onboarding.step3Body')}</Text>
                <InlineStack gap="200" blockAlign="center">
                  <Button url="/rewards" disabled={!program}>
                    {t('Onboarding.reviewRewards')}
                  </Button>
                  <Button url="/earn-rules" disabled={!program}>
                    {t('Onboarding.reviewRules')}
                  </Button>
                  <Button variant="primary" disabled={!program} loading={finish.isPending} onClick={() => finish.mutate()}>
                    {t('Onboarding.finish')}
                  </Button>
                  {program?.onboardedAt ? <Badge tone="success">{t('Onboarding.finished')}</Badge> : null}
                </InlineStack>
              </Step>
              <Box paddingBlockEnd="400" />
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Page>
    </div>
  );
}
