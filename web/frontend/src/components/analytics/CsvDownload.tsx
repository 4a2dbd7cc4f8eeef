// Saves a table as CSV in the browser (the figures are on the page already):
// the shared escaping of web/loyalty/domain/csv.ts, formula-safe, with a BOM
// so spreadsheets read the UTF-8 labels (Polish, Chinese) right.
import { Button } from '@shopify/polaris';
import { ExportIcon } from '@shopify/polaris-icons';
import { csvDocument } from '../../../../loyalty/domain/csv';
import { useI18n } from '../../providers/I18nProvider';

export interface CsvTable {
  header: readonly unknown[];
  rows: readonly (readonly unknown[])[];
}

export function downloadCsv(filename: string, table: CsvTable): void {
  const blob = new Blob([`\uFEFF${csvDocument(table.header, table.rows)}`], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "Download CSV" for one table; `table` is built when clicked. */
export function CsvDownload({
  filename,
  table,
  label,
  testId,
}: {
  filename: string;
  table: () => CsvTable;
  /** Names the table for screen readers ("Download CSV: Cohort retention"). */
  label: string;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <div data-testid={testId}>
      <Button
        icon={ExportIcon}
        size="slim"
        onClick={() => downloadCsv(filename, table())}
        accessibilityLabel={t('Analytics.downloadCsvOf', { table: label })}
      >
        {t('Analytics.downloadCsv')}
      </Button>
    </div>
  );
}
