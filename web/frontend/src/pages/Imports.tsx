// Imports (issue 16): members and balances from another loyalty app's export
// or a spreadsheet. Upload a CSV, check it first (a dry run: what the file
// holds and each bad row with its column and reason, downloadable as CSV),
// then apply it — setting balances to the file's or adding the file's points —
// and follow the import's progress (GET /api/admin/imports/:id while it runs).
// Past imports are listed with their outcome; one that is done can be undone
// (after a confirmation): Tally takes back what it gave with reversal entries.
import { useId, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  DataTable,
  InlineStack,
  Layout,
  Modal,
  Page,
  ProgressBar,
  SkeletonBodyText,
  Text,
} from '@shopify/polaris';
import { apiGet, apiJson, apiSend } from '../api';
import { ApiErrorBanner } from '../components/ApiErrorBanner';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';

interface RowError {
  row: number;
  column: string | null;
  message: string;
}

interface DryRun {
  format: string;
  rows: number;
  valid: number;
  invalid: number;
  errors: RowError[];
}

type Status = 'queued' | 'running' | 'done' | 'failed' | 'undone';

interface ImportInfo {
  id: string;
  kind: string;
  status: Status;
  format: string | null;
  balance: 'set' | 'add' | null;
  rows: number | null;
  valid: number | null;
  invalid: number | null;
  progress: { done: number; total: number };
  errors?: RowError[];
  errorCount?: number;
  result: { undo?: { status: string; reversed?: number; spent?: number }; failure?: string } | null;
  createdAt: string;
  finishedAt: string | null;
}

const KEY = ['admin', 'imports'] as const;
const STATUS_TONE: Record<Status, 'info' | 'attention' | 'success' | 'critical' | undefined> = {
  queued: 'info',
  running: 'attention',
  done: 'success',
  failed: 'critical',
  undone: undefined,
};
const FORMAT_NAMES: Record<string, string> = {
  smile: 'Smile.io',
  loyaltylion: 'LoyaltyLion',
  yotpo: 'Yotpo',
  rivo: 'Rivo',
  growave: 'Growave',
  tally: 'Tally',
  generic: 'CSV',
};
const running = (i: ImportInfo | undefined) =>
  Boolean(
    i && (i.status === 'queued' || i.status === 'running' || i.result?.undo?.status === 'queued' || i.result?.undo?.status === 'running'),
  );

/** A CSV cell: quoted when it holds a comma, a quote or a line break; a leading =, +, - or @ is defused for spreadsheets. */
function cell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Saves the errors as a CSV file (row, column, message). */
function downloadErrors(errors: readonly RowError[], name: string) {
  const csv = ['row,column,message', ...errors.map((e) => [e.row, e.column, e.message].map(cell).join(','))].join('\r\n') + '\r\n';
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const postFile = <T,>(path: string, file: File) =>
  apiJson<{ import: T }>(path, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: file });

function ErrorTable({ errors, total }: { errors: readonly RowError[]; total: number }) {
  const { t } = useI18n();
  const shown = errors.slice(0, 100);
  return (
    <BlockStack gap="200">
      <div data-testid="import-errors">
        <DataTable
          columnContentTypes={['numeric', 'text', 'text']}
          headings={[t('Imports.row'), t('Imports.column'), t('Imports.problem')]}
          rows={shown.map((e) => [
            e.row,
            e.column ?? '—',
            <span key={e.row} style={{ whiteSpace: 'normal', wordBreak: 'break-word' }}>
              {e.message}
            </span>,
          ])}
        />
      </div>
      {total > shown.length ? (
        <Text as="p" tone="subdued">
          {t('Imports.moreErrors', { shown: shown.length, count: total })}
        </Text>
      ) : null}
    </BlockStack>
  );
}

function Progress({ info }: { info: ImportInfo }) {
  const { t, locale } = useI18n();
  const number = new Intl.NumberFormat(locale);
  const { done, total } = info.progress;
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : info.status === 'done' ? 100 : 0;
  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="center">
        <span data-testid="import-status">
          <Badge tone={STATUS_TONE[info.status]}>{t(`Imports.status.${info.status}` as MessageKey)}</Badge>
        </span>
        <span data-testid="import-progress-text">
          <Text as="span">{t('Imports.progress', { done: number.format(done), total: number.format(total) })}</Text>
        </span>
      </InlineStack>
      <div data-testid="import-progress">
        <ProgressBar progress={percent} tone={info.status === 'failed' ? 'critical' : 'primary'} />
      </div>
      {info.result?.failure ? (
        <Banner tone="critical" title={t('Imports.failed')}>
          <p>{info.result.failure}</p>
        </Banner>
      ) : null}
    </BlockStack>
  );
}

/**
 * Where the file is chosen or dropped: a button that opens the file dialog and an area that takes a dropped file. (Not
 * Polaris' DropZone: it shows nothing until a debounced measure that a page with a frozen clock never runs.)
 */
function FilePicker({ file, onFile }: { file: File | null; onFile: (file: File) => void }) {
  const { t } = useI18n();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  return (
    <BlockStack gap="100">
      <label htmlFor={id}>
        <Text as="span">{t('Imports.fileLabel')}</Text>
      </label>
      <div
        data-testid="import-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const dropped = e.dataTransfer.files[0];
          if (dropped) onFile(dropped);
        }}
        style={{
          border: `var(--p-border-width-025) dashed var(${dragging ? '--p-color-border-emphasis' : '--p-color-border'})`,
          borderRadius: 'var(--p-border-radius-200)',
          background: dragging ? 'var(--p-color-bg-surface-hover)' : 'var(--p-color-bg-surface)',
          padding: 'var(--p-space-600) var(--p-space-400)',
        }}
      >
        <input
          ref={input}
          id={id}
          type="file"
          accept=".csv,text/csv"
          hidden
          onChange={(e) => {
            const chosen = e.target.files?.[0];
            e.target.value = '';
            if (chosen) onFile(chosen);
          }}
        />
        <BlockStack gap="200" inlineAlign="center">
          {file ? (
            <Text as="p" fontWeight="semibold">
              {file.name}
            </Text>
          ) : null}
          <Button onClick={() => input.current?.click()}>{t('Imports.chooseFile')}</Button>
          <Text as="p" tone="subdued">
            {file ? t('Imports.replaceFile') : t('Imports.fileHint')}
          </Text>
        </BlockStack>
      </div>
    </BlockStack>
  );
}

function CurrentImport({ id }: { id: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: [...KEY, id],
    queryFn: async ({ signal }) => {
      const found = (await apiGet<{ import: ImportInfo }>(`/api/admin/imports/${id}`, { signal })).import;
      if (!running(found)) void queryClient.invalidateQueries({ queryKey: [...KEY, 'list'] });
      return found;
    },
    refetchInterval: (q) => (running(q.state.data) || !q.state.data ? 1000 : false),
  });
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t('Imports.currentHeading')}
        </Text>
        {query.isError ? <ApiErrorBanner title={t('Imports.loadError')} error={query.error} onRetry={() => void query.refetch()} /> : null}
        {query.data ? <Progress info={query.data} /> : <SkeletonBodyText lines={2} />}
        {query.data?.status === 'done' ? (
          <Text as="p" tone="success">
            {t('Imports.doneBody')}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function Upload({ onStarted }: { onStarted: (id: string) => void }) {
  const { t, locale } = useI18n();
  const number = new Intl.NumberFormat(locale);
  const [file, setFile] = useState<File | null>(null);
  const [balance, setBalance] = useState<'set' | 'add'>('set');
  const check = useMutation({ mutationFn: (f: File) => postFile<DryRun>('/api/admin/imports/members?mode=dry-run', f) });
  const apply = useMutation({
    mutationFn: (f: File) => postFile<{ id: string }>(`/api/admin/imports/members?mode=apply&balance=${balance}`, f),
    onSuccess: (answer) => {
      onStarted(answer.import.id);
      setFile(null);
      check.reset();
    },
  });
  const result = check.data?.import;
  const choose = (chosen: File) => {
    setFile(chosen);
    apply.reset();
    check.reset();
    check.mutate(chosen);
  };
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {t('Imports.uploadHeading')}
          </Text>
          <Text as="p" tone="subdued">
            {t('Imports.uploadBody')}
          </Text>
        </BlockStack>
        <FilePicker file={file} onFile={choose} />
        {check.isPending ? <SkeletonBodyText lines={2} /> : null}
        {check.isError ? <ApiErrorBanner title={t('Imports.checkError')} error={check.error} /> : null}
        {result ? (
          <BlockStack gap="300">
            <div data-testid="import-summary">
              <Banner
                tone={result.invalid > 0 ? 'warning' : 'success'}
                title={t('Imports.checked', { format: FORMAT_NAMES[result.format] ?? result.format })}
              >
                <p>
                  {t('Imports.summary', {
                    rows: number.format(result.rows),
                    valid: number.format(result.valid),
                    invalid: number.format(result.invalid),
                  })}
                </p>
              </Banner>
            </div>
            {result.errors.length > 0 ? (
              <>
                <ErrorTable errors={result.errors} total={result.invalid} />
                <InlineStack>
                  <Button onClick={() => downloadErrors(result.errors, `${file?.name.replace(/\.csv$/i, '') ?? 'import'}-errors.csv`)}>
                    {t('Imports.downloadErrors')}
                  </Button>
                </InlineStack>
              </>
            ) : null}
            {result.valid > 0 ? (
              <BlockStack gap="300">
                <ChoiceList
                  title={t('Imports.balanceTitle')}
                  selected={[balance]}
                  onChange={([v]) => setBalance(v === 'add' ? 'add' : 'set')}
                  choices={[
                    { label: t('Imports.balanceSet'), value: 'set', helpText: t('Imports.balanceSetHelp') },
                    { label: t('Imports.balanceAdd'), value: 'add', helpText: t('Imports.balanceAddHelp') },
                  ]}
                />
                {apply.isError ? <ApiErrorBanner title={t('Imports.applyError')} error={apply.error} /> : null}
                <InlineStack>
                  <Button variant="primary" loading={apply.isPending} onClick={() => file && apply.mutate(file)}>
                    {t('Imports.apply', { count: result.valid })}
                  </Button>
                </InlineStack>
              </BlockStack>
            ) : null}
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function UndoModal({ info, onClose, onUndone }: { info: ImportInfo; onClose: () => void; onUndone: (id: string) => void }) {
  const { t } = useI18n();
  const undo = useMutation({
    mutationFn: () => apiSend('POST', `/api/admin/imports/${info.id}/undo`),
    onSuccess: () => {
      onUndone(info.id);
      onClose();
    },
  });
  return (
    <Modal
      open
      onClose={onClose}
      title={t('Imports.undoTitle')}
      primaryAction={{ content: t('Imports.undoConfirm'), destructive: true, loading: undo.isPending, onAction: () => undo.mutate() }}
      secondaryActions={[{ content: t('Imports.cancel'), onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="200">
          {undo.isError ? <ApiErrorBanner title={t('Imports.undoError')} error={undo.error} /> : null}
          <Text as="p">{t('Imports.undoBody')}</Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

function PastImports({ onUndone }: { onUndone: (id: string) => void }) {
  const { t, locale } = useI18n();
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const number = new Intl.NumberFormat(locale);
  const [undoing, setUndoing] = useState<ImportInfo | null>(null);
  const query = useQuery({
    queryKey: [...KEY, 'list'],
    queryFn: ({ signal }) => apiGet<{ imports: ImportInfo[] }>('/api/admin/imports', { signal }),
    refetchInterval: (q) => (q.state.data?.imports.some(running) ? 2000 : false),
  });
  const download = async (i: ImportInfo) => {
    const found = (await apiGet<{ import: ImportInfo }>(`/api/admin/imports/${i.id}`)).import;
    downloadErrors(found.errors ?? [], `import-${i.createdAt.slice(0, 10)}-errors.csv`);
  };
  const list = query.data?.imports ?? [];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t('Imports.pastHeading')}
        </Text>
        {query.isError ? <ApiErrorBanner title={t('Imports.loadError')} error={query.error} onRetry={() => void query.refetch()} /> : null}
        {query.isPending ? <SkeletonBodyText lines={3} /> : null}
        {query.data && list.length === 0 ? (
          <Text as="p" tone="subdued">
            {t('Imports.none')}
          </Text>
        ) : null}
        {list.length > 0 ? (
          <div data-testid="past-imports">
            <DataTable
              columnContentTypes={['text', 'text', 'text', 'numeric', 'text']}
              headings={[t('Imports.when'), t('Imports.file'), t('Imports.statusHeading'), t('Imports.rowsHeading'), '']}
              rows={list.map((i) => [
                when.format(new Date(i.createdAt)),
                `${FORMAT_NAMES[i.format ?? ''] ?? i.kind} · ${i.balance === 'add' ? t('Imports.balanceAddShort') : t('Imports.balanceSetShort')}`,
                <Badge key={`s${i.id}`} tone={STATUS_TONE[i.status]}>
                  {t(`Imports.status.${i.status}` as MessageKey)}
                </Badge>,
                `${number.format(i.progress.done)} / ${number.format(i.progress.total)}`,
                <InlineStack key={`a${i.id}`} gap="200" wrap={false}>
                  {i.errorCount ? (
                    <Button size="slim" onClick={() => void download(i)}>
                      {t('Imports.errorsButton', { count: i.invalid ?? i.errorCount })}
                    </Button>
                  ) : null}
                  {(i.status === 'done' || i.status === 'failed') && !i.result?.undo ? (
                    <Button size="slim" tone="critical" onClick={() => setUndoing(i)}>
                      {t('Imports.undo')}
                    </Button>
                  ) : null}
                </InlineStack>,
              ])}
            />
          </div>
        ) : null}
      </BlockStack>
      {undoing ? <UndoModal info={undoing} onClose={() => setUndoing(null)} onUndone={onUndone} /> : null}
    </Card>
  );
}

export default function Imports() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState<string | null>(null);
  const follow = (id: string) => {
    setCurrent(id);
    void queryClient.invalidateQueries({ queryKey: KEY });
  };
  return (
    <Page title={t('Imports.title')} subtitle={t('Imports.subtitle')}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Upload onStarted={follow} />
            {current ? <CurrentImport key={current} id={current} /> : null}
            <PastImports onUndone={follow} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
