import { BlockStack, Text } from '@shopify/polaris';
import { useI18n } from '../providers/I18nProvider';

/** One figure on the dashboard: label, number, and a line saying what it counts. */
export function StatFigure({
  testId,
  label,
  value,
  help,
  display,
}: {
  testId: string;
  label: string;
  /** The figure; null when it cannot be computed yet (shown as a dash). */
  value: number | null;
  help: string;
  /** The figure as shown (money, percentage); defaults to the number in the page's locale. */
  display?: string;
}) {
  const { formatNumber } = useI18n();
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <div data-testid={testId} data-value={value ?? ''}>
        <Text as="p" variant="heading2xl">
          {value === null ? '—' : (display ?? formatNumber(value))}
        </Text>
      </div>
      <Text as="p" variant="bodySm" tone="subdued">
        {help}
      </Text>
    </BlockStack>
  );
}
