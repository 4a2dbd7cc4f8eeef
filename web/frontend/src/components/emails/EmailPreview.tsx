// The live preview of a message: its rendered subject, the HTML in a sandboxed
// iframe (no scripts, no same-origin access) and the text part.
import { BlockStack, Box, Text } from '@shopify/polaris';
import { useI18n } from '../../providers/I18nProvider';
import type { RenderedEmail } from './types';

export function EmailPreview({ email, busy }: { email: RenderedEmail | null; busy: boolean }) {
  const { t } = useI18n();
  if (!email)
    return (
      <Text as="p" tone="subdued">
        {busy ? t('Emails.previewLoading') : t('Emails.previewNone')}
      </Text>
    );
  return (
    <BlockStack gap="300">
      <div data-testid="email-preview-subject">
        <Text as="p" variant="bodySm" tone="subdued">
          {t('Emails.subject')}
        </Text>
        <Text as="p" variant="headingSm">
          {email.subject}
        </Text>
      </div>
      <iframe
        data-testid="email-preview-frame"
        title={t('Emails.previewFrameTitle')}
        sandbox=""
        srcDoc={email.html}
        style={{ width: '100%', height: 460, border: '1px solid #e3e3e3', borderRadius: 8, background: '#ffffff' }}
      />
      <BlockStack gap="100">
        <Text as="h4" variant="headingXs">
          {t('Emails.textPart')}
        </Text>
        <Box background="bg-surface-secondary" padding="300" borderRadius="200">
          <pre
            data-testid="email-preview-text"
            style={{ margin: 0, whiteSpace: 'pre-wrap', fontSize: 12, maxHeight: 200, overflow: 'auto' }}
            tabIndex={0}
          >
            {email.text}
          </pre>
        </Box>
      </BlockStack>
    </BlockStack>
  );
}
