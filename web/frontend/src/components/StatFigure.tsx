import { BlockStack, Text } from '@shopify/polaris';
import { useI18n } from '../providers/I18nProvider';

/** One figure on the dashboard: label, number, and a line saying what it counts. */
export function StatFigure({
  testId,
  label,
  value,
  help,
}: {
  testId: string;
  label: string;
  value: number;
  help: string;
}) {
  const { formatNumber } = useI18n();
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <div data-testid={testId} data-value={value}>
        <Text as="p" variant="heading2xl">
          {formatNumber(value)}
        </Text>
      </div>
      <Text as="p" variant="bodySm" tone="subdued">
        {help}
      </Text>
    </BlockStack>
  );
}
