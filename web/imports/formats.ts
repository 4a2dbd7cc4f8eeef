// Member CSV formats: which app exported the file, told from its header row,
// and which of its columns Tally reads. Header cells are compared normalized
// (case, spaces, underscores and punctuation ignored: "Points_Balance" is
// "points balance"). docs: see the table in the module's README text (report
// of issue 16) — what each vendor documents, and what is Tally's assumption.
export type FormatName = 'tally' | 'smile' | 'loyaltylion' | 'yotpo' | 'rivo' | 'growave' | 'generic';

/** The fields Tally imports; each format lists, per field, the header names it may carry (first present wins). */
export type Field = 'email' | 'customerId' | 'points' | 'birthday' | 'tier' | 'firstName' | 'lastName' | 'referralCode';

interface Format {
  name: FormatName;
  /** Whether a normalized header is this format's. Checked in the order of FORMATS: the most specific first. */
  detect(columns: ReadonlySet<string>, raw: readonly string[]): boolean;
  columns: Partial<Record<Field, string[]>>;
}

const names = { firstName: ['first name', 'firstname'], lastName: ['last name', 'lastname'] };

export const FORMATS: readonly Format[] = [
  {
    // Tally's own export (GET /api/admin/members/export.csv, web/loyalty/member-list.ts CSV_HEADER).
    name: 'tally',
    detect: (c) => c.has('points available') && c.has('lifetime earned') && c.has('customer id'),
    columns: { email: ['email'], customerId: ['customer id'], points: ['points available'], tier: ['tier'], ...names },
  },
  {
    // LoyaltyLion: customers carry merchant_id (the Shopify customer id) and points_approved / points_pending / points_spent
    // (their API's customer resource, which their customer export follows).
    name: 'loyaltylion',
    detect: (c) => c.has('points approved'),
    columns: {
      email: ['email'],
      customerId: ['merchant id', 'customer id'],
      points: ['points approved'],
      tier: ['tier', 'tier name', 'current tier'],
      birthday: ['birthday', 'date of birth'],
      referralCode: ['referral id', 'referral code'],
      ...names,
    },
  },
  {
    // Rivo: a balance column named points_tally, the Shopify id as remote_id.
    name: 'rivo',
    detect: (c) => c.has('points tally'),
    columns: {
      email: ['email'],
      customerId: ['remote id', 'shopify customer id', 'customer id'],
      points: ['points tally'],
      tier: ['vip tier', 'vip tier name', 'tier'],
      birthday: ['dob', 'birthday', 'date of birth'],
      referralCode: ['referral code'],
      ...names,
    },
  },
  {
    // Growave: "Available points" beside "Earned points" / "Spent points".
    name: 'growave',
    detect: (c) => c.has('available points'),
    columns: {
      email: ['email', 'customer email'],
      customerId: ['customer id', 'shopify customer id'],
      points: ['available points'],
      tier: ['tier', 'vip tier'],
      birthday: ['birthday', 'date of birth'],
      referralCode: ['referral code'],
      ...names,
    },
  },
  {
    // Yotpo Loyalty & Referrals (support.yotpo.com, "Importing/Exporting Points and Customers"): Email, First Name,
    // Last Name, Points Balance, Points Spent, Birthday (MM/DD) or (MM/DD/YYYY), VIP Tier; the export adds a referral link.
    name: 'yotpo',
    detect: (c) =>
      c.has('points balance') && (c.has('points spent') || c.has('referral link') || [...c].some((n) => n.startsWith('birthday mm dd'))),
    columns: {
      email: ['email'],
      points: ['points balance'],
      tier: ['vip tier', 'vip tier name'],
      birthday: ['birthday mm dd yyyy', 'birthday mm dd', 'birthday'],
      ...names,
    },
  },
  {
    // Smile.io (help.smile.io, "Import points with a CSV file"): their points file is exactly `email,points` in lower case;
    // their customer export names the balance points_balance with vip_tier_name and referral_url.
    name: 'smile',
    detect: (c, raw) =>
      (raw.length === 2 && raw[0] === 'email' && raw[1] === 'points') ||
      (c.has('points balance') && (c.has('vip tier name') || c.has('referral url'))),
    columns: {
      email: ['email'],
      customerId: ['customer id', 'external id'],
      points: ['points', 'points balance'],
      tier: ['vip tier name', 'vip tier'],
      birthday: ['date of birth', 'birthday'],
      ...names,
    },
  },
  {
    // Any spreadsheet with the headers: Email, Customer ID, Points (or Points Balance), Birthday, VIP Tier,
    // Referral Code, First Name, Last Name.
    name: 'generic',
    detect: (c) => (c.has('email') || c.has('customer id')) && (c.has('points') || c.has('points balance')),
    columns: {
      email: ['email'],
      customerId: ['customer id'],
      points: ['points', 'points balance'],
      birthday: ['birthday'],
      tier: ['vip tier', 'tier'],
      referralCode: ['referral code'],
      ...names,
    },
  },
];

export const normalizeHeader = (cell: string) =>
  cell
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Where each field sits in a row (its index) and under which header it was found. */
export interface Layout {
  format: FormatName;
  fields: Partial<Record<Field, { index: number; header: string }>>;
}

/** The format of a header row, or null when no format knows it. */
export function detectFormat(header: readonly string[]): Layout | null {
  const raw = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const normalized = raw.map(normalizeHeader);
  const columns = new Set(normalized);
  const format = FORMATS.find((f) => f.detect(columns, raw));
  if (!format) return null;
  const fields: Layout['fields'] = {};
  for (const [field, candidates] of Object.entries(format.columns) as Array<[Field, string[]]>) {
    for (const candidate of candidates) {
      const index = normalized.indexOf(candidate);
      if (index >= 0) {
        fields[field] = { index, header: raw[index]! };
        break;
      }
    }
  }
  return { format: format.name, fields };
}
