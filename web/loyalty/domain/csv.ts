// CSV for spreadsheets, one piece for the server's member export and the
// admin's client-side exports (Analytics tables): RFC 4180 quoting, CRLF line
// ends, and no field a spreadsheet would read as a formula.

/** A CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  // Only text is defused: a negative number (-5) is data, "-5+cmd|..." typed by a shopper is not.
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (without its line end). */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvField).join(',');
}

/** A whole CSV document: the header, then one line per row, each ended by CRLF. */
export function csvDocument(header: readonly unknown[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => `${csvLine(row)}\r\n`).join('');
}
