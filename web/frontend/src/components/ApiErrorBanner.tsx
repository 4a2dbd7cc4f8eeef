import { Banner, BlockStack, Text } from '@shopify/polaris';
import { ApiError, type ApiErrorCode } from '../api';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';

const MESSAGE_FOR_CODE: Record<ApiErrorCode, MessageKey> = {
  network: 'Errors.network',
  unauthorized: 'Errors.unauthorized',
  forbidden: 'Errors.forbidden',
  notFound: 'Errors.notFound',
  server: 'Errors.server',
  http: 'Errors.http',
  noSession: 'Errors.noSession',
  badResponse: 'Errors.badResponse',
};

/** A critical Banner explaining, in the merchant's words, why a request failed. */
export function ApiErrorBanner({
  title,
  error,
  onRetry,
  retrying = false,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
}) {
  const { t } = useI18n();
  const apiError = error instanceof ApiError ? error : null;
  const message = t(apiError ? MESSAGE_FOR_CODE[apiError.code] : 'Errors.network', {
    status: apiError?.status ?? '',
  });
  const unauthorized = apiError?.code === 'unauthorized' || apiError?.code === 'noSession';
  return (
    <div data-testid="api-error" data-error-code={apiError?.code ?? 'unknown'}>
      <Banner
        tone="critical"
        title={title}
        action={
          unauthorized
            ? { content: t('App.reload'), onAction: () => window.location.reload() }
            : onRetry
              ? { content: t('Dashboard.retry'), onAction: onRetry, loading: retrying }
              : undefined
        }
      >
        <BlockStack gap="100">
          <p>{message}</p>
          {apiError?.detail ? (
            <Text as="p" tone="subdued">
              {t('Errors.detail', { detail: apiError.detail })}
            </Text>
          ) : null}
        </BlockStack>
      </Banner>
    </div>
  );
}
