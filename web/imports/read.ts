// Reads a member CSV as a stream: the header row picks the format, every
// data row is checked as it arrives and handed on, never the whole file in
// memory. Limits give clear 4xx answers (web/http/errors.ts maps `status`).
import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { detectFormat, type FormatName, type Layout } from './formats.js';
import { validator, type MemberRow, type RowError } from './rows.js';

/** Longest row accepted, in characters. */
export const MAX_ROW_CHARS = 16 * 1024;

/** A file the import refuses as a whole (answered with `status`). */
export class ImportRefused extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface MemberFile {
  format: FormatName;
  layout: Layout;
  /** Data rows with their errors, in file order (row numbers from 1). */
  rows: AsyncGenerator<{ row: MemberRow | null; errors: RowError[]; number: number }>;
}

/** Opens a member CSV: reads the header, then yields each data row checked. */
export async function openMemberFile(
  source: Readable,
  tiers: ReadonlyArray<{ id: string; name: string }>,
  now = new Date(),
): Promise<MemberFile> {
  const parser = source.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_ROW_CHARS, trim: false }),
  );
  source.on('error', (err) => parser.destroy(err));
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const next = async () => {
    try {
      return await records.next();
    } catch (err) {
      throw refusal(err);
    }
  };
  const first = await next();
  if (first.done) throw new ImportRefused(400, 'empty_file', 'The file is empty');
  const header = first.value;
  const layout = detectFormat(header);
  if (!layout)
    throw new ImportRefused(
      422,
      'unknown_format',
      `No known member export has these columns (${header.slice(0, 20).join(', ').slice(0, 300)}): Tally reads exports of Smile.io, LoyaltyLion, Yotpo, Rivo, Growave and Tally, or a file with Email (or Customer ID) and Points`,
    );
  const check = validator(layout, tiers, now);
  async function* rows() {
    let number = 0;
    for (let item = await next(); !item.done; item = await next()) {
      number += 1;
      const { row, errors } = check.check(item.value, number);
      yield { row, errors, number };
    }
    if (number === 0) throw new ImportRefused(400, 'empty_file', 'The file has a header but no rows');
  }
  return { format: layout.format, layout, rows: rows() };
}

function refusal(err: unknown): Error {
  if (err instanceof ImportRefused) return err;
  if (err instanceof CsvError) {
    const row = typeof (err as { records?: number }).records === 'number' ? (err as unknown as { records: number }).records : null;
    if (err.code === 'CSV_MAX_RECORD_SIZE')
      return new ImportRefused(413, 'row_too_large', `Row ${row ?? '?'} is longer than ${MAX_ROW_CHARS} characters: is this a CSV file?`);
    return new ImportRefused(400, 'invalid_csv', `The file is not valid CSV near row ${row ?? '?'}: ${err.message}`);
  }
  return err as Error;
}
