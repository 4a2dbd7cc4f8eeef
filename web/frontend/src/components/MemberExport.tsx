// CSV export of the current filter. The server streams it; the UI counts the
// rows as they arrive against X-Total-Count to show progress, then saves it.
import { useState } from 'react';
import { Banner, BlockStack, Button, ProgressBar, Text } from '@shopify/polaris';
import { ExportIcon } from '@shopify/polaris-icons';
import { apiFetch, ApiError } from '../api';
import { useI18n } from '../providers/I18nProvider';

export function MemberExport({ query }: { query: string }) {
  const { t, formatNumber } = useI18n();
  const [state, setState] = useState<{ rows: number; total: number } | null>(null);
  const [failed, setFailed] = useState(false);

  async function run() {
    setFailed(false);
    setState({ rows: 0, total: 0 });
    try {
      const res = await apiFetch(`/api/admin/members/export.csv?${query}`, { headers: { Accept: 'text/csv' } });
      if (!res.ok || !res.body) throw new ApiError('http', res.status, 'export failed');
      const total = Number(res.headers.get('X-Total-Count') ?? 0);
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let rows = -1; // the header line
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        for (const byte of value) if (byte === 10) rows += 1;
        setState({ rows: Math.max(rows, 0), total });
      }
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `members-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ rows: total, total });
    } catch {
      setFailed(true);
      setState(null);
    }
  }

  const busy = state !== null && state.rows < state.total;
  return (
    <BlockStack gap="200">
      <Button icon={ExportIcon} onClick={() => void run()} loading={busy}>
        {t('Members.export')}
      </Button>
      {state && state.total > 0 ? (
        <div data-testid="export-progress" data-rows={state.rows} data-total={state.total}>
          <ProgressBar progress={(state.rows / state.total) * 100} size="small" ariaLabelledBy="export-progress-label" />
          <Text as="p" variant="bodySm" tone="subdued" id="export-progress-label">
            {t('Members.exportProgress', { rows: formatNumber(state.rows), total: formatNumber(state.total) })}
          </Text>
        </div>
      ) : null}
      {failed ? <Banner tone="critical">{t('Members.exportFailed')}</Banner> : null}
    </BlockStack>
  );
}
