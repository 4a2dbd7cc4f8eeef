// One message's editor: subject and body per storefront language, the merge
// variables beside them, a live preview (sample member or a real one found by
// search), Send test, Save and Reset to default. A template error is shown with
// its part, language and line, as the API states it.
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Banner, BlockStack, Box, Button, Card, InlineGrid, InlineStack, Tabs, Text, TextField } from '@shopify/polaris';
import { ApiError, apiGet, apiSend } from '../../api';
import { useI18n } from '../../providers/I18nProvider';
import type { Member } from '../../queries';
import { EmailPreview } from './EmailPreview';
import type { EmailMessageInfo, EmailTemplate, RenderedEmail } from './types';

const LOCALE_NAMES: Record<string, string> = {
  en: 'English',
  fr: 'Français',
  de: 'Deutsch',
  es: 'Español',
  pl: 'Polski',
  'zh-CN': '简体中文',
};

const errorText = (error: unknown) => (error instanceof ApiError ? (error.detail ?? error.message) : String(error));

function memberLabel(m: Pick<Member, 'firstName' | 'lastName' | 'email'>) {
  const name = [m.firstName, m.lastName].filter(Boolean).join(' ');
  return name ? `${name} (${m.email ?? '—'})` : (m.email ?? '—');
}

/** Finds a member to preview the message as. */
function PreviewMemberPicker({ member, onPick }: { member: Member | null; onPick: (m: Member | null) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: ['admin', 'members', 'email-preview', q],
    queryFn: ({ signal }) => apiGet<{ members: Member[] }>(`/api/admin/members?q=${encodeURIComponent(q)}`, { signal }),
    enabled: q.trim().length >= 2,
  });
  if (member)
    return (
      <InlineStack gap="200" blockAlign="center">
        <Text as="span">{t('Emails.previewAs', { member: memberLabel(member) })}</Text>
        <Button variant="plain" onClick={() => onPick(null)}>
          {t('Emails.useSample')}
        </Button>
      </InlineStack>
    );
  return (
    <BlockStack gap="100">
      <TextField
        label={t('Emails.previewMember')}
        helpText={t('Emails.previewMemberHelp')}
        value={q}
        onChange={setQ}
        autoComplete="off"
        clearButton
        onClearButtonClick={() => setQ('')}
      />
      {search.data?.members.length ? (
        <InlineStack gap="100" wrap>
          {search.data.members.slice(0, 5).map((m) => (
            <Button key={m.id} size="slim" onClick={() => onPick(m)}>
              {memberLabel(m)}
            </Button>
          ))}
        </InlineStack>
      ) : null}
    </BlockStack>
  );
}

export function EmailEditor({
  message,
  onSaved,
  onClose,
}: {
  message: EmailMessageInfo;
  onSaved: () => Promise<unknown>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [tab, setTab] = useState(0);
  const locale = message.locales[tab] ?? 'en';
  const saved = (l: string): EmailTemplate => message.templates[l] ?? message.defaults[l] ?? { subject: '', body: '' };
  const [drafts, setDrafts] = useState<Record<string, EmailTemplate>>({});
  const draft = drafts[locale] ?? saved(locale);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved(locale));
  const setDraft = (change: Partial<EmailTemplate>) => setDrafts((d) => ({ ...d, [locale]: { ...draft, ...change } }));
  const [member, setMember] = useState<Member | null>(null);
  const [preview, setPreview] = useState<RenderedEmail | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ tone: 'success' | 'critical'; text: string } | null>(null);
  const [testTo, setTestTo] = useState('');

  // The live preview follows the draft, a moment after the last keystroke.
  useEffect(() => {
    let cancelled = false;
    setBusy(true);
    const timer = setTimeout(() => {
      apiSend<RenderedEmail>('POST', `/api/admin/emails/${message.key}/preview`, {
        locale,
        subject: draft.subject,
        body: draft.body,
        ...(member ? { memberId: member.id } : {}),
      })
        .then((r) => {
          if (cancelled) return;
          setPreview(r);
          setPreviewError(null);
        })
        .catch((error: unknown) => !cancelled && setPreviewError(errorText(error)))
        .finally(() => !cancelled && setBusy(false));
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [message.key, locale, draft.subject, draft.body, member]);

  const act = async (work: () => Promise<unknown>, done: string) => {
    setStatus(null);
    try {
      await work();
      setStatus({ tone: 'success', text: done });
    } catch (error) {
      setStatus({ tone: 'critical', text: errorText(error) });
    }
  };
  const save = () =>
    act(async () => {
      await apiSend('PUT', `/api/admin/emails/${message.key}`, { templates: { [locale]: draft } });
      await onSaved();
      setDrafts((d) => Object.fromEntries(Object.entries(d).filter(([l]) => l !== locale)));
    }, t('Emails.saved'));
  const reset = () =>
    act(async () => {
      await apiSend('PUT', `/api/admin/emails/${message.key}`, { templates: { [locale]: null } });
      await onSaved();
      setDrafts((d) => ({ ...d, [locale]: message.defaults[locale]! }));
    }, t('Emails.resetDone'));
  const sendTest = () =>
    act(
      () =>
        apiSend('POST', `/api/admin/emails/${message.key}/test`, {
          to: testTo.trim(),
          locale,
          subject: draft.subject,
          body: draft.body,
          ...(member ? { memberId: member.id } : {}),
        }),
      t('Emails.testSent', { to: testTo.trim() }),
    );

  const tabs = message.locales.map((l) => ({
    id: `email-locale-${l}`,
    content: message.edited.includes(l) ? `${LOCALE_NAMES[l] ?? l} •` : (LOCALE_NAMES[l] ?? l),
    accessibilityLabel: LOCALE_NAMES[l] ?? l,
  }));

  return (
    <Card>
      <div data-testid="email-editor">
        <BlockStack gap="400">
          <InlineStack align="space-between" blockAlign="center">
            <BlockStack gap="050">
              <Text as="h2" variant="headingMd">
                {t('Emails.editing', { key: message.key })}
              </Text>
              <Text as="p" tone="subdued">
                {message.when}
              </Text>
            </BlockStack>
            <Button onClick={onClose}>{t('Emails.close')}</Button>
          </InlineStack>
          <Tabs tabs={tabs} selected={tab} onSelect={setTab} fitted={false} />
          {status ? (
            <Banner tone={status.tone} onDismiss={() => setStatus(null)}>
              {status.text}
            </Banner>
          ) : null}
          <InlineGrid columns={{ xs: 1, md: ['twoThirds', 'oneThird'] }} gap="400">
            <BlockStack gap="300">
              <TextField
                label={t('Emails.subject')}
                value={draft.subject}
                onChange={(subject) => setDraft({ subject })}
                autoComplete="off"
              />
              <TextField
                label={t('Emails.body')}
                helpText={t('Emails.bodyHelp')}
                value={draft.body}
                onChange={(body) => setDraft({ body })}
                multiline={8}
                autoComplete="off"
                monospaced
              />
              {previewError ? (
                <div data-testid="email-template-error">
                  <Banner tone="critical" title={t('Emails.templateError')}>
                    {previewError}
                  </Banner>
                </div>
              ) : null}
              <InlineStack gap="200">
                <Button variant="primary" onClick={save} disabled={!dirty || previewError !== null}>
                  {t('Emails.save')}
                </Button>
                <Button onClick={reset} disabled={!message.edited.includes(locale) && !dirty}>
                  {t('Emails.reset')}
                </Button>
              </InlineStack>
            </BlockStack>
            <Box>
              <BlockStack gap="200">
                <Text as="h3" variant="headingSm">
                  {t('Emails.variables')}
                </Text>
                <ul data-testid="email-variables" style={{ margin: 0, paddingInlineStart: 0, listStyle: 'none' }}>
                  {Object.entries(message.variables).map(([name, what]) => (
                    <li key={name} style={{ marginBottom: 6 }}>
                      <code style={{ fontSize: 12 }}>{`{{ ${name} }}`}</code>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {' '}
                        {what}
                      </Text>
                    </li>
                  ))}
                </ul>
              </BlockStack>
            </Box>
          </InlineGrid>
          <BlockStack gap="300">
            <Text as="h3" variant="headingSm">
              {t('Emails.preview')}
            </Text>
            <PreviewMemberPicker member={member} onPick={setMember} />
            <EmailPreview email={preview} busy={busy} />
            <InlineStack gap="200" blockAlign="end">
              <div style={{ minWidth: 280 }}>
                <TextField label={t('Emails.testTo')} type="email" value={testTo} onChange={setTestTo} autoComplete="email" />
              </div>
              <Button onClick={sendTest} disabled={!testTo.includes('@')}>
                {t('Emails.sendTest')}
              </Button>
            </InlineStack>
          </BlockStack>
        </BlockStack>
      </div>
    </Card>
  );
}
