// Issue 15's acceptance test: on the fixture of tests/fixtures/analytics
// (40 customers, 144 orders over two years, a EUR shop in Berlin and a JPY
// shop in Tokyo; members, guests whose email is written differently on each
// order, a redacted customer, an order with neither customer nor email,
// partial and full refunds, cancellations, orders either side of local
// midnight), delivered as Shopify delivers them (signed webhooks over real
// HTTP), every field of GET /api/admin/analytics/summary and of
// GET /api/admin/analytics/cohorts equals a hand computation from
// ../shared/METRICS.md, written out below with its derivation. The program
// figures (points are dated when earned, i.e. now) are checked on a third,
// USD shop whose whole history is today, with a storefront redemption.
// Computed in UTC instead of the shops' zones, 102 of the 252 summary figures
// (3 ranges × 2 shops × 42) and both cohort tables would differ (the midnight
// orders see to that).
//
// Reading conventions (METRICS.md, "The data every metric reads"):
// - members: customers enrolled now (Tally enrols every customer with an
//   account); non-members: guests by normalised email, and E06, whose data
//   Shopify asked to erase (customers/redact) after their orders: the member
//   row no longer carries their customer id, so they are no longer enrolled.
// - the order with neither customer nor email (EUR, 2025-07-15, 18.00) counts
//   in all.orders and all.netSales (so in all.AOV and all.purchaseFrequency)
//   and in no customer's figures (members and nonMembers leave it out).
// - a cancelled order is no order (E11's 2025-07-07, E24's only order); a
//   refunded order still is one, at its net after the refund (E10's, J08's: 0).
// - t is "active" when an order is in (t − 365 days, t]; start = the instant
//   before `from` 00:00 local, end = the last instant of `to` local. No order
//   of the fixture is within a day of a window's edge except on purpose (the
//   midnight orders noted in the fixture).
// - historical LTV: "net sales to date" is read as of the range's end (a past
//   range's figure does not move as later orders come in). E25 and J01/J03
//   order after 2025, which tells the two readings apart in the 2025 range.
// - predicted LTV uses the unrounded AOV; money results are rounded half up.
// - Gaps between orders are whole days both as elapsed time and as local dates
//   (the fixture sees to it; reference.ts checks it).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerPayload, complianceRedact, orderPayload, refundPayload, toShopifyJson } from '../../dev/payloads.js';
import { parseWebhookBody } from '../../web/webhooks/payload.js';
import { orderInput } from '../../web/webhooks/schemas.js';
import { addShops, useTestApp } from '../helpers/app.js';
import { adminApi, proxyApi } from '../helpers/requests.js';
import { deliverOk } from '../helpers/webhooks.js';
import { EUR, JPY, instant, type FixtureOrder, type FixtureShop } from '../fixtures/analytics/fixture.js';
import { cohorts as recountCohorts, fullSummary, type Figures, type Group } from '../fixtures/analytics/reference.js';

type Summary = Record<Group, Figures>;
interface Program {
  redemptionRate: number | null;
  activeMemberRate: number | null;
  pointsLiabilityMinor: number | null;
  roi: number | null;
}
interface Cohort {
  month: string;
  customers: number;
  retention: number[];
}

const R1 = { from: '2025-01-01', to: '2025-12-31' } as const; // a calendar year
const R2 = { from: '2026-03-01', to: '2026-11-30' } as const; // starts mid-window: S is who ordered 2025-03-01 … 2026-02-28
const P2 = { from: '2025-12-01', to: '2026-11-30' } as const; // the 365 days ending at R2's end: R2's predicted LTV reads these
const COHORTS = { from: '2024-12', to: '2026-12' } as const;

const zeros = (n: number) => Array<number>(n).fill(0);

// =================================================================== EUR shop
// Customers (25): members E01 E02 E04 E05 E08 E09 E11 E12 E13 E15 E16 E18 E21 E22 E25, E23 (customers/create, no
// order), E24 (only order cancelled: never a customer); guests E03 E07 E10 E14 E19 E20 E26; redacted E06.
// Net sales per order are in the fixture; below, "E01 4000·6000·3000" lists a customer's orders in date order.

const EUR_R1: Summary = {
  // Orders in 2025 (Berlin dates). E05's first order is 2025-01-01 00:20 Berlin (2024-12-31 UTC): in 2025, not in S.
  //   members: E01 6000·3000 | E05 4500·5200 | E08 2000·3000·4000 | E09 9000·6000 | E11 5500·5000 (07-07 cancelled)
  //            | E12 6500 | E15 30000 | E16 4800 | E25 12×2500            → 9 customers, 26 orders, 124500
  //   non-members: E03 2500·4000 | E06 12000 | E10 3000 | E14 2750·2750 | E26 2000·3000·2000·3000·2000·3000
  //                                                                          → 5 customers, 12 orders, 42000
  //   no customer: 1800                                                     → all: 14 customers, 39 orders, 168300
  // New (first order ever in 2025): E05 E08 E09 E11 E12 E15 E16 | E10 E14 E26.
  // Repeaters (≥ 2 orders in 2025): E01 E05 E08 E09 E11 E25 | E03 E14 E26.
  // Gaps ending in 2025 (days) and upsells (net above the previous order's):
  //   E01 95 (12-05→03-10, 6000>4000 up), 163 (→08-20, down) | E05 151 (up) | E08 31 (up), 28 (up) | E09 190 (down)
  //   | E11 126 (06-06→10-10 skipping the cancelled order; 5000<5500) | E25 12 gaps summing 365 (2024-12-10→2025-12-10, all equal)
  //   = 19 gaps, 1149 days, 4 upsells
  //   E03 43 (equal, no), 287 (4000>2500 up) | E06 117 (12000>9000 up) | E14 30 (equal) | E26 59+61+61+62+61 = 304 (3 up)
  //   = 9 gaps, 781 days, 5 upsells
  // S (an order in 2024-12): E01 E02 E04 E25 | E03 E06 E07. E (an order in 2025, as the year is 365 days) = the 14 customers.
  // Churned (S not in E): E02 E04 | E07. Net in the 365 days before start: E01 4000, E02 5000, E04 7000, E25 2500 | E03 2500,
  //   E06 9000, E07 3500.
  // Historical LTV base: first order on or before 2025-01-01 00:00 (365 days before the end): S's seven customers. Net to
  //   2025-12-31: E01 13000, E02 5000, E04 7000, E25 13×2500 = 32500 | E03 9000, E06 21000, E07 3500.
  // Predicted LTV: the 365 days ending 2025-12-31 are R1 itself: (net ÷ customers) × min(10, 1 ÷ churn).
  all: {
    customers: 14,
    newCustomers: 10,
    orders: 39,
    netSalesMinor: 168300,
    aovMinor: 4315, // 168300 / 39 = 4315.38
    purchaseFrequency: 39 / 14,
    repeatPurchaseRate: 9 / 14,
    avgDaysBetweenOrders: (1149 + 781) / 28,
    upsellFrequency: 9 / 28,
    retentionRate: (14 - 10) / 7,
    churnRate: 3 / 7,
    revenueChurnRate: (5000 + 7000 + 3500) / 33500, // S: 4000+5000+7000+2500+2500+9000+3500 = 33500
    historicalLtvMinor: 13000, // 91000 / 7
    predictedLtvMinor: 28050, // 168300/14 × 7/3 = 28050
  },
  members: {
    customers: 9,
    newCustomers: 7,
    orders: 26,
    netSalesMinor: 124500,
    aovMinor: 4788, // 124500 / 26 = 4788.46
    purchaseFrequency: 26 / 9,
    repeatPurchaseRate: 6 / 9,
    avgDaysBetweenOrders: 1149 / 19,
    upsellFrequency: 4 / 19,
    retentionRate: (9 - 7) / 4,
    churnRate: 2 / 4,
    revenueChurnRate: 12000 / 18500,
    historicalLtvMinor: 14375, // (13000+5000+7000+32500) / 4
    predictedLtvMinor: 27667, // 124500/9 × 2 = 27666.67
  },
  nonMembers: {
    customers: 5,
    newCustomers: 3,
    orders: 12,
    netSalesMinor: 42000,
    aovMinor: 3500,
    purchaseFrequency: 12 / 5,
    repeatPurchaseRate: 3 / 5,
    avgDaysBetweenOrders: 781 / 9,
    upsellFrequency: 5 / 9,
    retentionRate: (5 - 3) / 3,
    churnRate: 1 / 3,
    revenueChurnRate: 3500 / 15000,
    historicalLtvMinor: 11167, // (9000+21000+3500) / 3 = 11166.67
    predictedLtvMinor: 25200, // 42000/5 × 3
  },
};

const EUR_R2: Summary = {
  // Orders 2026-03-01 … 2026-11-30 (Berlin). E18's first order, 2026-03-01 00:30 Berlin, is 2026-02-28 in UTC: in the range.
  // E19's only order, 2026-12-01 00:30 Berlin, is 2026-11-30 in UTC: outside. E20's 2026-11-30 23:30 is inside.
  //   members: E08 5500 | E09 6000·7500 | E13 4400 | E15 15000 | E18 2200·2800 | E21 8000·8000·5000 (2 of 4 refunded)
  //            | E22 1200 | E25 9×2500                                          → 8 customers, 20 orders, 88100
  //   non-members: E10 0 (refunded in full)·4500 | E14 1500·2000 | E20 3900 | E26 3000·2000·3000·2000·3000
  //                                                                              → 4 customers, 10 orders, 24900
  // New: E18 E21 E22 | E20. Repeaters: E09 E18 E21 E25 | E10 E14 E26.
  // Gaps ending in the range and upsells:
  //   E08 105 (2026-01-20→05-05, up) | E09 175 (2025-09-09→03-03, equal), 190 (up) | E13 73 (01-01→03-15, up)
  //   | E15 365 (down) | E18 92 (up) | E21 14 (equal), 16 (5000<8000) | E25 9 gaps, 2026-02-10→11-10 = 273 (equal)
  //   = 17 gaps, 1303 days, 4 upsells
  //   E10 334 (2025-05-05→2026-04-04, 0<3000), 126 (4500>0 up) | E14 191 (down), 214 (up)
  //   | E26 2026-01-25→11-25 = 59+61+61+62+61 = 304 (3 up)  = 9 gaps, 1169 days, 5 upsells
  // S (an order 2025-03-01 … 2026-02-28): E01 E05 E08 E09 E11 E12 E13 E15 E16 E25 | E03 E06 E10 E14 E26 (15).
  // E (an order 2025-12-01 … 2026-11-30): E08 E09 E12 E13 E15 E18 E21 E22 E25 | E10 E14 E20 E26 (13; E12 by 2025-12-31).
  // Churned: E01 E05 E11 E16 | E03 E06. Net in S's window: E01 9000, E05 5200, E08 8000, E09 15000, E11 10500, E12 6500,
  //   E13 3300, E15 30000, E16 4800, E25 12×2500 = 30000 (members 122300) | E03 4000, E06 12000, E10 3000, E14 5500,
  //   E26 15000 (non-members 39500).
  // Historical LTV base: first order before 2025-12-01 00:00: E01 13000, E02 5000, E04 7000, E05 9700, E08 18500,
  //   E09 28500, E11 10500, E15 45000, E16 4800, E25 60000 (members: 202000 / 10) | E03 9000, E06 21000, E07 3500,
  //   E10 7500, E14 9000, E26 30000 (non-members: 80000 / 6); all 282000 / 16.
  // Predicted LTV over 2025-12-01 … 2026-11-30: R2's orders plus E08 4000 (01-20), E12 6500, E13 3300, E25 3×2500 |
  //   E26 2000: net 109400 over 9 members (E12 added), 26900 over 4 non-members, 136300 over 13. S there = the LTV base
  //   (16: 10 | 6), churned E01 E02 E04 E05 E11 E16 | E03 E06 E07: churn 6/10, 3/6, 9/16.
  all: {
    customers: 12,
    newCustomers: 4,
    orders: 30,
    netSalesMinor: 113000,
    aovMinor: 3767, // 113000 / 30 = 3766.67
    purchaseFrequency: 30 / 12,
    repeatPurchaseRate: 7 / 12,
    avgDaysBetweenOrders: (1303 + 1169) / 26,
    upsellFrequency: 9 / 26,
    retentionRate: (13 - 4) / 15,
    churnRate: 6 / 15,
    revenueChurnRate: (9000 + 5200 + 10500 + 4800 + 4000 + 12000) / (122300 + 39500),
    historicalLtvMinor: 17625, // 282000 / 16
    predictedLtvMinor: 18639, // 136300/13 × 16/9 = 18639.3
  },
  members: {
    customers: 8,
    newCustomers: 3,
    orders: 20,
    netSalesMinor: 88100,
    aovMinor: 4405,
    purchaseFrequency: 20 / 8,
    repeatPurchaseRate: 4 / 8,
    avgDaysBetweenOrders: 1303 / 17,
    upsellFrequency: 4 / 17,
    retentionRate: (9 - 3) / 10,
    churnRate: 4 / 10,
    revenueChurnRate: (9000 + 5200 + 10500 + 4800) / 122300,
    historicalLtvMinor: 20200,
    predictedLtvMinor: 20259, // 109400/9 × 10/6 = 20259.26
  },
  nonMembers: {
    customers: 4,
    newCustomers: 1,
    orders: 10,
    netSalesMinor: 24900,
    aovMinor: 2490,
    purchaseFrequency: 10 / 4,
    repeatPurchaseRate: 3 / 4,
    avgDaysBetweenOrders: 1169 / 9,
    upsellFrequency: 5 / 9,
    retentionRate: (4 - 1) / 5,
    churnRate: 2 / 5,
    revenueChurnRate: (4000 + 12000) / 39500,
    historicalLtvMinor: 13333, // 80000 / 6 = 13333.3
    predictedLtvMinor: 13450, // 26900/4 × 2
  },
};

const EUR_P2: Summary = {
  // Orders 2025-12-01 … 2026-11-30: R2's, and before March: E08 4000 (01-20) | E12 6500 (2025-12-31 23:45) |
  //   E13 3300 (2026-01-01 00:15) | E25 2500 ×3 (12-10, 01-10, 02-10) | E26 2000 (01-25).
  //   members: 20 + 6 = 26 orders, 88100 + 21300 = 109400, 9 customers (E12 added); non-members: 11 orders, 26900, 4.
  // New: E12 E13 E18 E21 E22 | E20. Repeaters: R2's and E08 (01-20, 05-05), E13 (01-01, 03-15): E08 E09 E13 E18 E21 E25
  //   | E10 E14 E26.
  // Gaps beyond R2's: E08 311 (2025-03-15→2026-01-20, equal) | E25 30+31+31 = 92 (3, equal) | E26 61 (3000→2000, down):
  //   members 17 + 4 = 21 gaps, 1303 + 311 + 92 = 1706 days, 4 upsells; non-members 10 gaps, 1169 + 61 = 1230, 5 upsells.
  // S (an order 2024-12-01 … 2025-11-30) = R2's historical LTV base: 10 members, 6 non-members. E = R2's E (9 | 4).
  //   N = 5 | 1. Churned: E01 E02 E04 E05 E11 E16 | E03 E06 E07.
  // Net in S's window: E01 13000, E02 5000, E04 7000, E05 9700, E08 9000, E09 15000, E11 10500, E15 30000, E16 4800,
  //   E25 12×2500 = 30000 (134000; churned 50000) | E03 9000, E06 21000, E07 3500, E10 3000, E14 5500, E26 15000
  //   (57000; churned 33500).
  // Historical and predicted LTV: the same end as R2, so R2's figures.
  all: {
    customers: 13,
    newCustomers: 6,
    orders: 37,
    netSalesMinor: 136300,
    aovMinor: 3684, // 3683.8
    purchaseFrequency: 37 / 13,
    repeatPurchaseRate: 9 / 13,
    avgDaysBetweenOrders: (1706 + 1230) / 31,
    upsellFrequency: 9 / 31,
    retentionRate: (13 - 6) / 16,
    churnRate: 9 / 16,
    revenueChurnRate: (50000 + 33500) / (134000 + 57000),
    historicalLtvMinor: 17625,
    predictedLtvMinor: 18639,
  },
  members: {
    customers: 9,
    newCustomers: 5,
    orders: 26,
    netSalesMinor: 109400,
    aovMinor: 4208, // 4207.7
    purchaseFrequency: 26 / 9,
    repeatPurchaseRate: 6 / 9,
    avgDaysBetweenOrders: 1706 / 21,
    upsellFrequency: 4 / 21,
    retentionRate: (9 - 5) / 10,
    churnRate: 6 / 10,
    revenueChurnRate: 50000 / 134000,
    historicalLtvMinor: 20200,
    predictedLtvMinor: 20259,
  },
  nonMembers: {
    customers: 4,
    newCustomers: 1,
    orders: 11,
    netSalesMinor: 26900,
    aovMinor: 2445, // 2445.45
    purchaseFrequency: 11 / 4,
    repeatPurchaseRate: 3 / 4,
    avgDaysBetweenOrders: 1230 / 10,
    upsellFrequency: 5 / 10,
    retentionRate: (4 - 1) / 6,
    churnRate: 3 / 6,
    revenueChurnRate: 33500 / 57000,
    historicalLtvMinor: 13333,
    predictedLtvMinor: 13450,
  },
};

// Cohorts by first order's Berlin month; retention[k] = share of the cohort with an order k months later, up to 2026-12.
// Months with no first order (2025-02, -07, -09, -11, 2026-02, -05, -06, -08, -09, -10) have no cohort.
const EUR_COHORTS: Cohort[] = [
  // E01 E02 E03 E04 E06 E07 E25: E25 every month to 2026-11; also E03 in 2025-02 and -11, E01 in -03 and -08, E06 in -04.
  {
    month: '2024-12',
    customers: 7,
    retention: [1, 1 / 7, 2 / 7, 2 / 7, 2 / 7, 1 / 7, 1 / 7, 1 / 7, 2 / 7, 1 / 7, 1 / 7, 2 / 7, 1 / 7, ...Array<number>(11).fill(1 / 7), 0],
  },
  // E05 (2025-01-01 00:20 Berlin), E08, E26: E08 02, 03, 2026-01, 2026-05; E26 every odd month from 03; E05 06.
  {
    month: '2025-01',
    customers: 3,
    retention: [1, 1 / 3, 2 / 3, 0, 1 / 3, 1 / 3, 1 / 3, 0, 1 / 3, 0, 1 / 3, 0, 2 / 3, 0, 1 / 3, 0, 2 / 3, 0, 1 / 3, 0, 1 / 3, 0, 1 / 3, 0],
  },
  { month: '2025-03', customers: 1, retention: [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0] }, // E09: 09, 2026-03, 2026-09
  { month: '2025-04', customers: 1, retention: [1, ...zeros(20)] }, // E16
  { month: '2025-05', customers: 1, retention: [1, ...zeros(10), 1, 0, 0, 0, 1, ...zeros(4)] }, // E10: 2026-04, 2026-08
  { month: '2025-06', customers: 1, retention: [1, 0, 0, 0, 1, ...zeros(14)] }, // E11: 10 (07's order cancelled)
  { month: '2025-08', customers: 1, retention: [1, ...zeros(6), 1, ...zeros(6), 1, 0, 0] }, // E14: 2026-03, 2026-10
  { month: '2025-10', customers: 1, retention: [1, ...zeros(11), 1, 0, 0] }, // E15: 2026-10
  { month: '2025-12', customers: 1, retention: [1, ...zeros(12)] }, // E12
  { month: '2026-01', customers: 1, retention: [1, 0, 1, ...zeros(9)] }, // E13 (2026-01-01 00:15 Berlin): 03
  { month: '2026-03', customers: 1, retention: [1, 0, 0, 1, ...zeros(6)] }, // E18 (2026-03-01 00:30 Berlin): 06
  { month: '2026-04', customers: 1, retention: [1, 1, ...zeros(7)] }, // E21: 05
  { month: '2026-07', customers: 1, retention: [1, ...zeros(5)] }, // E22
  { month: '2026-11', customers: 1, retention: [1, 0] }, // E20
  { month: '2026-12', customers: 1, retention: [1] }, // E19 (2026-12-01 00:30 Berlin)
];

// =================================================================== JPY shop
// Customers (15): members J01 J02 J04 J05 J07 J08 J09 J10 J12 J14, J13 (customers/create, no order); guests J03 J06 J11 J15.

const JPY_R1: Summary = {
  // Orders in 2025 (Tokyo dates; J02's 2025-01-01 00:30 is 2024-12-31 in UTC):
  //   members: J01 3500·3000·4000·4000 | J02 8000 | J04 12000·6000 (2 of 4 refunded) | J05 4500 | J08 0 (refunded)·6000
  //            | J10 12×1000 | J12 5500 | J14 1000·1100·…·1600 (7, 9100)     → 8 customers, 30 orders, 77600
  //   non-members: J03 2000 | J06 7000·1000 | J15 15000                     → 3 customers, 4 orders, 25000
  // New: J02 J04 J05 J08 J10 J12 J14 | J06 J15 (J01 and J03 began in 2024-12; J03 at 23:30 Tokyo on 12-31).
  // Repeaters: J01 J04 J08 J10 J14 | J06.
  // Gaps and upsells: J01 90 (up), 92 (down), 92 (up), 91 (equal) = 365 | J04 10 (down) | J08 30 (6000>0 up)
  //   | J10 11 gaps = 334 (equal) | J14 6 gaps, 06-05→12-05 = 183 (all up)   = 23 gaps, 922 days, 9 upsells
  //   J03 181 (2024-12-31→06-30, down) | J06 177 (down)                      = 2 gaps, 358 days, 0 upsells
  // S (an order in 2024-12): J01 | J03; both order in 2025: E = the 11 customers, churn 0, revenue churn 0.
  // Historical LTV base: J01 (3000 + 14500 = 17500 to 2025-12-31) | J03 (5000 + 2000 = 7000).
  // Predicted LTV: churn 0 → the 10-year cap: net ÷ customers × 10.
  all: {
    customers: 11,
    newCustomers: 9,
    orders: 34,
    netSalesMinor: 102600,
    aovMinor: 3018, // 102600 / 34 = 3017.6
    purchaseFrequency: 34 / 11,
    repeatPurchaseRate: 6 / 11,
    avgDaysBetweenOrders: (922 + 358) / 25,
    upsellFrequency: 9 / 25,
    retentionRate: (11 - 9) / 2,
    churnRate: 0,
    revenueChurnRate: 0,
    historicalLtvMinor: 12250,
    predictedLtvMinor: 93273, // 102600/11 × 10 = 93272.7
  },
  members: {
    customers: 8,
    newCustomers: 7,
    orders: 30,
    netSalesMinor: 77600,
    aovMinor: 2587, // 2586.67
    purchaseFrequency: 30 / 8,
    repeatPurchaseRate: 5 / 8,
    avgDaysBetweenOrders: 922 / 23,
    upsellFrequency: 9 / 23,
    retentionRate: (8 - 7) / 1,
    churnRate: 0,
    revenueChurnRate: 0,
    historicalLtvMinor: 17500,
    predictedLtvMinor: 97000, // 77600/8 × 10
  },
  nonMembers: {
    customers: 3,
    newCustomers: 2,
    orders: 4,
    netSalesMinor: 25000,
    aovMinor: 6250,
    purchaseFrequency: 4 / 3,
    repeatPurchaseRate: 1 / 3,
    avgDaysBetweenOrders: 358 / 2,
    upsellFrequency: 0,
    retentionRate: (3 - 2) / 1,
    churnRate: 0,
    revenueChurnRate: 0,
    historicalLtvMinor: 7000,
    predictedLtvMinor: 83333, // 25000/3 × 10 = 83333.3
  },
};

const JPY_R2: Summary = {
  // Orders 2026-03-01 … 2026-11-30 (Tokyo):
  //   members: J01 2500·5000·5000 | J07 25000 | J09 2200 | J12 5500 (2026-03-01 00:10) | J14 1900·…·2700 (9, 20700)
  //                                                                          → 5 customers, 15 orders, 65900
  //   non-members: J03 6000 | J11 3300·3300 | J15 14000                     → 3 customers, 4 orders, 26600
  // New: J09 | J11. Repeaters: J01 J14 | J11.
  // Gaps and upsells: J01 90 (2025-12-15→03-15, down), 92 (up), 92 (equal) | J07 319 (down) | J12 365 (equal)
  //   | J14 9 gaps, 2026-02-05→11-05 = 273 (all up)                          = 14 gaps, 1231 days, 10 upsells
  //   J03 365 (up) | J11 31 (equal) | J15 365 (down)                          = 3 gaps, 761 days, 1 upsell
  // S (an order 2025-03-01 … 2026-02-28 Tokyo; J12's 2025-03-01 00:10 is in it, J04's February 2025 orders are not):
  //   J01 J04 J05 J07 J08 J10 J12 J14 | J03 J06 J15 (11).
  // E (an order 2025-12-01 … 2026-11-30): J01 J04 J07 J09 J10 J12 J14 | J03 J06 J11 J15 (11).
  // Churned: J05 J08. Net in S's window: J01 14500, J04 9000, J05 4500, J07 30000, J08 6000, J10 10×1000, J12 5500,
  //   J14 1000·…·1800 = 12600 (members 92100) | J03 2000, J06 9500, J15 15000 (non-members 26500).
  // Historical LTV base: first order before 2025-12-01: J01 30000, J02 8000, J04 27000, J05 4500, J08 6000, J10 12000,
  //   J12 11000, J14 33300 (members 131800 / 8) | J03 13000, J06 9500, J15 29000 (non-members 51500 / 3).
  // Predicted LTV over 2025-12-01 … 2026-11-30: R2 plus J01 4000, J04 9000, J07 30000, J10 1000, J14 5100 | J06 2500:
  //   members 115000 over 7 (J04, J10 added), non-members 29100 over 4 (J06 added), all 144100 over 11. S there = the
  //   LTV base, churned J02 J05 J08 (members 3/8; non-members 0 → the 10-year cap; all 3/11).
  all: {
    customers: 8,
    newCustomers: 2,
    orders: 19,
    netSalesMinor: 92500,
    aovMinor: 4868, // 4868.4
    purchaseFrequency: 19 / 8,
    repeatPurchaseRate: 3 / 8,
    avgDaysBetweenOrders: (1231 + 761) / 17,
    upsellFrequency: 11 / 17,
    retentionRate: (11 - 2) / 11,
    churnRate: 2 / 11,
    revenueChurnRate: (4500 + 6000) / (92100 + 26500),
    historicalLtvMinor: 16664, // 183300 / 11 = 16663.6
    predictedLtvMinor: 48033, // 144100/11 × 11/3 = 48033.3
  },
  members: {
    customers: 5,
    newCustomers: 1,
    orders: 15,
    netSalesMinor: 65900,
    aovMinor: 4393, // 4393.3
    purchaseFrequency: 15 / 5,
    repeatPurchaseRate: 2 / 5,
    avgDaysBetweenOrders: 1231 / 14,
    upsellFrequency: 10 / 14,
    retentionRate: (7 - 1) / 8,
    churnRate: 2 / 8,
    revenueChurnRate: (4500 + 6000) / 92100,
    historicalLtvMinor: 16475,
    predictedLtvMinor: 43810, // 115000/7 × 8/3 = 43809.5
  },
  nonMembers: {
    customers: 3,
    newCustomers: 1,
    orders: 4,
    netSalesMinor: 26600,
    aovMinor: 6650,
    purchaseFrequency: 4 / 3,
    repeatPurchaseRate: 1 / 3,
    avgDaysBetweenOrders: 761 / 3,
    upsellFrequency: 1 / 3,
    retentionRate: (4 - 1) / 3,
    churnRate: 0,
    revenueChurnRate: 0,
    historicalLtvMinor: 17167, // 17166.7
    predictedLtvMinor: 72750, // 29100/4 × 10
  },
};

const JPY_P2: Summary = {
  // Orders 2025-12-01 … 2026-11-30: R2's, and before March: J01 4000 (12-15) | J04 9000 (02-10) | J07 30000 (01-05)
  //   | J10 1000 (12-20) | J14 1600·1700·1800 | J06 1000·1500 (12-31, 01-01).
  //   members: 15 + 7 = 22 orders, 65900 + 49100 = 115000, 7 customers (J04, J10 added); non-members: 6 orders, 29100, 4.
  // New: J07 J09 | J11. Repeaters: J01 J07 J14 | J06 J11.
  // Gaps beyond R2's: J01 91 (09-15→12-15, equal) | J04 355 (2025-02-20→2026-02-10, 9000>6000 up) | J10 30 (equal)
  //   | J14 30+31+31 = 92 (3, up) | J06 177 (down), 1 (1500>1000 up): members 14 + 6 = 20 gaps,
  //   1231 + 91 + 355 + 30 + 92 = 1799 days, 10 + 4 = 14 upsells; non-members 5 gaps, 761 + 178 = 939, 2 upsells.
  // S (an order 2024-12-01 … 2025-11-30) = R2's historical LTV base: 8 members, 3 non-members. E = R2's E (7 | 4).
  //   N = 2 | 1. Churned: J02 J05 J08.
  // Net in S's window: J01 13500, J02 8000, J04 18000, J05 4500, J08 6000, J10 11000, J12 5500, J14 7500 (74000;
  //   churned 18500) | J03 7000, J06 7000, J15 15000 (29000; none churned).
  all: {
    customers: 11,
    newCustomers: 3,
    orders: 28,
    netSalesMinor: 144100,
    aovMinor: 5146, // 5146.4
    purchaseFrequency: 28 / 11,
    repeatPurchaseRate: 5 / 11,
    avgDaysBetweenOrders: (1799 + 939) / 25,
    upsellFrequency: 16 / 25,
    retentionRate: (11 - 3) / 11,
    churnRate: 3 / 11,
    revenueChurnRate: 18500 / (74000 + 29000),
    historicalLtvMinor: 16664,
    predictedLtvMinor: 48033,
  },
  members: {
    customers: 7,
    newCustomers: 2,
    orders: 22,
    netSalesMinor: 115000,
    aovMinor: 5227, // 5227.3
    purchaseFrequency: 22 / 7,
    repeatPurchaseRate: 3 / 7,
    avgDaysBetweenOrders: 1799 / 20,
    upsellFrequency: 14 / 20,
    retentionRate: (7 - 2) / 8,
    churnRate: 3 / 8,
    revenueChurnRate: 18500 / 74000,
    historicalLtvMinor: 16475,
    predictedLtvMinor: 43810,
  },
  nonMembers: {
    customers: 4,
    newCustomers: 1,
    orders: 6,
    netSalesMinor: 29100,
    aovMinor: 4850,
    purchaseFrequency: 6 / 4,
    repeatPurchaseRate: 2 / 4,
    avgDaysBetweenOrders: 939 / 5,
    upsellFrequency: 2 / 5,
    retentionRate: (4 - 1) / 3,
    churnRate: 0,
    revenueChurnRate: 0,
    historicalLtvMinor: 17167,
    predictedLtvMinor: 72750,
  },
};

const JPY_COHORTS: Cohort[] = [
  // J01 (quarterly from 2024-12-15) and J03 (2024-12-31 23:30 Tokyo; 2025-06, 2026-06).
  {
    month: '2024-12',
    customers: 2,
    retention: [1, 0, 0, 1 / 2, 0, 0, 1, 0, 0, 1 / 2, 0, 0, 1 / 2, 0, 0, 1 / 2, 0, 0, 1, 0, 0, 1 / 2, 0, 0, 0],
  },
  // J02 (2025-01-01 00:30 Tokyo) and J10 (monthly through 2025-12).
  { month: '2025-01', customers: 2, retention: [1, ...Array<number>(11).fill(1 / 2), ...zeros(12)] },
  { month: '2025-02', customers: 1, retention: [1, ...zeros(11), 1, ...zeros(10)] }, // J04: 2026-02
  { month: '2025-03', customers: 1, retention: [1, ...zeros(11), 1, ...zeros(9)] }, // J12 (00:10 on 03-01): 2026-03
  { month: '2025-05', customers: 1, retention: [1, ...zeros(19)] }, // J05
  { month: '2025-06', customers: 1, retention: [1, ...Array<number>(17).fill(1), 0] }, // J14: monthly to 2026-11
  { month: '2025-07', customers: 1, retention: [1, 0, 0, 0, 0, 1, 1, ...zeros(11)] }, // J06: 12, 2026-01
  { month: '2025-09', customers: 1, retention: [1, 1, ...zeros(14)] }, // J08: 10
  { month: '2025-11', customers: 1, retention: [1, ...zeros(11), 1, 0] }, // J15: 2026-11
  { month: '2026-01', customers: 1, retention: [1, ...zeros(9), 1, 0] }, // J07: 2026-11
  { month: '2026-03', customers: 1, retention: [1, ...zeros(9)] }, // J09
  { month: '2026-06', customers: 1, retention: [1, 1, ...zeros(5)] }, // J11: 07
];

// ============================================================ program metrics
// Orders replayed through webhooks earn their points now (the ledger is dated by delivery), pending for 30 days; no
// reward is redeemed. So for R1 and R2: no points issued or redeemed in the range (redemption rate null), no member
// earned or redeemed in it (active member rate 0), no reward cost (ROI null). The liability is now's: every customer
// with an account got the 100-point signup bonus, available at once (order points are pending, guests get no signup
// bonus); the redacted member's points stay (web/loyalty/compliance.ts: "so the shop's point totals and liability remain
// true"). A point is worth 1 minor unit: the default fixed-amount reward gives 500 for 500 points.
//   EUR: E01 E02 E04 E05 E06 E08 E09 E11 E12 E13 E15 E16 E18 E21 E22 E23 E24 E25 = 18 × 100 = 1800 cents
//   JPY: J01 J02 J04 J05 J07 J08 J09 J10 J12 J13 J14 = 11 × 100 = 1100 yen
const EUR_PROGRAM: Program = { redemptionRate: null, activeMemberRate: 0, pointsLiabilityMinor: 1800, roi: null };
const JPY_PROGRAM: Program = { redemptionRate: null, activeMemberRate: 0, pointsLiabilityMinor: 1100, roi: null };

const CASES = [
  { shop: EUR, range: R1, summary: EUR_R1, program: EUR_PROGRAM },
  { shop: EUR, range: R2, summary: EUR_R2, program: EUR_PROGRAM },
  { shop: JPY, range: R1, summary: JPY_R1, program: JPY_PROGRAM },
  { shop: JPY, range: R2, summary: JPY_R2, program: JPY_PROGRAM },
  { shop: EUR, range: P2, summary: EUR_P2, program: EUR_PROGRAM },
  { shop: JPY, range: P2, summary: JPY_P2, program: JPY_PROGRAM },
];
const COHORT_CASES = [
  { shop: EUR, cohorts: EUR_COHORTS },
  { shop: JPY, cohorts: JPY_COHORTS },
];

const FIELDS: Array<keyof Figures> = [
  'customers',
  'newCustomers',
  'orders',
  'netSalesMinor',
  'aovMinor',
  'purchaseFrequency',
  'repeatPurchaseRate',
  'avgDaysBetweenOrders',
  'upsellFrequency',
  'retentionRate',
  'churnRate',
  'revenueChurnRate',
  'historicalLtvMinor',
  'predictedLtvMinor',
];

/** Each figure equal to the written-out one: exactly for counts and money (whole minor units), to 10 decimals for the rest; null for null. */
function expectFigure(got: unknown, want: number | null, label: string) {
  if (want === null) expect.soft(got, label).toBeNull();
  else if (/(Minor|\.customers|\.newCustomers|\.orders)$/.test(label)) expect.soft(got, label).toBe(want);
  else expect.soft(got, label).toBeCloseTo(want, 10);
}

describe('the written-out figures', () => {
  // No app: the hand computation above against a naive recount of the fixture (reference.ts).
  it.each(CASES.map((c) => [c.shop.currency, c.range.from, c.range.to, c] as const))(
    '%s %s … %s agree with a naive recount of the fixture',
    (_currency, _from, _to, c) => {
      for (const g of ['all', 'members', 'nonMembers'] as const) {
        const recount = fullSummary(c.shop, c.range.from, c.range.to, g);
        for (const f of FIELDS) expectFigure(recount[f], c.summary[g][f], `${g}.${f}`);
      }
    },
  );
  it.each(COHORT_CASES.map((c) => [c.shop.currency, c] as const))('%s cohorts agree with a naive recount', (_currency, c) => {
    expect(recountCohorts(c.shop, COHORTS.from, COHORTS.to)).toEqual(c.cohorts);
  });
});

// ==================================================================== the app
const app = useTestApp({ checkLedger: true });

const customerGid = (shop: FixtureShop, key: string) =>
  `gid://shopify/Customer/${shop === EUR ? 91 : 92}${String(shop.customers.findIndex((c) => c.key === key) + 1).padStart(6, '0')}`;

interface Built {
  spec: FixtureOrder;
  payload: Record<string, unknown>;
  facts: ReturnType<typeof orderInput.parse>['facts'];
}

/** The order's orders/paid payload, processed (and created and updated) at its local time. */
function build(shop: FixtureShop, spec: FixtureOrder, emailIndex: number): Built {
  const customer = spec.customer ? shop.customers.find((c) => c.key === spec.customer)! : null;
  const account = customer && customer.kind !== 'guest';
  const payload = orderPayload({
    customer: account
      ? {
          id: customerGid(shop, customer.key),
          email: `${customer.key.toLowerCase()}.member@example.com`,
          firstName: customer.key,
          lastName: 'Fixture',
        }
      : null,
    lines: [{ title: `Goods ${spec.customer ?? 'anonymous'}`, priceMinor: spec.price, quantity: spec.qty ?? 1 }],
    discountMinor: spec.discount,
    currency: shop.currency,
    updatedAt: instant(spec.at, shop.timeZone),
  });
  if (customer?.kind === 'guest') {
    const email = customer.emails![emailIndex % customer.emails!.length]!;
    Object.assign(payload, { email, contact_email: email });
  }
  const facts = orderInput.parse(parseWebhookBody(Buffer.from(toShopifyJson(payload)))).facts;
  return { spec, payload, facts };
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

async function replay(shop: FixtureShop) {
  const deliver = (topic: string, payload: unknown) => deliverOk(app.url, shop.domain, topic, payload);
  const built: Built[] = [];
  const byCustomer = new Map<string, Built[]>();
  for (const spec of shop.orders) {
    const key = spec.customer ?? `anonymous:${built.length}`;
    const list = byCustomer.get(key) ?? [];
    const b = build(shop, spec, list.length);
    list.push(b);
    byCustomer.set(key, list);
    built.push(b);
  }
  for (const c of shop.customers.filter((c) => c.createdOnly)) {
    await deliver(
      'customers/create',
      customerPayload({ id: customerGid(shop, c.key), email: `${c.key.toLowerCase()}.member@example.com` }),
    );
  }
  // Each customer's orders in date order; four customers at a time.
  await pool([...byCustomer.values()], 4, async (list) => {
    for (const b of list) await deliver('orders/paid', b.payload);
  });
  // Later: refunds (refunds/create) and cancellations (orders/cancelled, a newer updated_at).
  await pool(
    built.filter((b) => b.spec.refundQty || b.spec.cancelled),
    4,
    async (b) => {
      if (b.spec.refundQty) await deliver('refunds/create', refundPayload(b.facts, { fraction: b.spec.refundQty / (b.spec.qty ?? 1) }));
      if (b.spec.cancelled) {
        const at = new Date(new Date(b.payload.updated_at as string).getTime() + 86_400_000).toISOString();
        await deliver('orders/cancelled', {
          ...b.payload,
          cancelled_at: at,
          cancel_reason: 'customer',
          financial_status: 'voided',
          updated_at: at,
        });
      }
    },
  );
  for (const c of shop.customers.filter((c) => c.kind === 'redacted')) {
    await deliver('customers/redact', complianceRedact(shop.domain, customerGid(shop, c.key).split('/').pop()!));
  }
}

beforeAll(async () => {
  await addShops(app, [
    [EUR.domain, EUR.currency, EUR.timeZone],
    [JPY.domain, JPY.currency, JPY.timeZone],
  ]);
  await Promise.all([replay(EUR), replay(JPY)]);
}, 120_000);

describe('GET /api/admin/analytics/summary', () => {
  it.each(CASES.map((c) => [c.shop.currency, c.range.from, c.range.to, c] as const))(
    '%s %s … %s: every field equals the hand computation',
    async (_currency, from, to, c) => {
      const res = await adminApi(app.url, 'GET', `/analytics/summary?from=${from}&to=${to}`, undefined, c.shop.domain);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.range).toEqual({ from, to });
      for (const g of ['all', 'members', 'nonMembers'] as const) {
        expect(Object.keys(res.body[g]), g).toEqual(expect.arrayContaining(FIELDS));
        for (const f of FIELDS) expectFigure(res.body[g][f], c.summary[g][f], `${g}.${f}`);
      }
      expect(Object.keys(res.body.program)).toEqual(
        expect.arrayContaining(['redemptionRate', 'activeMemberRate', 'pointsLiabilityMinor', 'roi']),
      );
      for (const [f, want] of Object.entries(c.program)) expectFigure(res.body.program[f], want, `program.${f}`);
    },
  );
});

describe('GET /api/admin/analytics/cohorts', () => {
  it.each(COHORT_CASES.map((c) => [c.shop.currency, c] as const))('%s 2024-12 … 2026-12 equals the hand computation', async (_c, c) => {
    const res = await adminApi(app.url, 'GET', `/analytics/cohorts?from=${COHORTS.from}&to=${COHORTS.to}`, undefined, c.shop.domain);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // A month in which nobody ordered first may be listed, empty; the others are exactly these.
    const got = (res.body.cohorts as Cohort[]).filter((x) => x.customers > 0);
    expect
      .soft((res.body.cohorts as Cohort[]).filter((x) => x.customers === 0).every((x) => x.retention.every((r) => r === 0 || r === null)))
      .toBe(true);
    expect(got.map((x) => x.month)).toEqual(c.cohorts.map((x) => x.month));
    for (const [i, want] of c.cohorts.entries()) {
      expect.soft(got[i]!.customers, `${want.month}.customers`).toBe(want.customers);
      expect.soft(got[i]!.retention.length, `${want.month}.retention.length`).toBe(want.retention.length);
      for (const [k, r] of want.retention.entries()) expect.soft(got[i]!.retention[k], `${want.month}.retention[${k}]`).toBeCloseTo(r, 10);
    }
  });
});

// ============================================== program metrics with a redemption
// The program figures are about points, which the ledger dates when they are earned or spent (now), so they are checked
// on a third shop whose whole life is today (UTC), over yesterday … tomorrow, set up so every figure is nonzero:
// - settings: points available at once (pendingDays 0); no signup bonus (the rule disabled); product 7000001 (the
//   second line of a payload) earns nothing.
// - P1 (member): an order of 600.00 → 600 points; redeems "5 off for 500 points" through the storefront; a second order
//   of 100.00 using that code (5.00 off) → net 9500, 95 points.
// - P2 (member): an order of 80.00 → 80 points.  P3 (member by customers/create only): earns nothing.
// - G1 (guest): an order of 0.50 + 49.50 (the excluded product) → net 5000, 0 points (0.50 rounds down to 0).
// Points issued 600 + 95 + 80 = 775; redeemed 500 → redemption rate 500/775.
// Members who earned or redeemed: P1 P2 of P1 P2 P3 → 2/3.
// Available now: P1 600 − 500 + 95 = 195, P2 80 → 275 points × 1 cent (500 cents for 500 points) = 275.
// ROI: members' net 60000 + 9500 + 8000 = 77500 over 2 customers = 38750; non-members' 5000 over 1;
//   incremental = (38750 − 5000) × 2 = 67500; reward cost = the 500 off → ROI = (67500 − 500) / 500 = 134.
const USD = { domain: 'tally-analytics-usd.myshopify.com', currency: 'USD', timeZone: 'UTC' } as const;
const USD_PROGRAM: Program = { redemptionRate: 500 / 775, activeMemberRate: 2 / 3, pointsLiabilityMinor: 275, roi: 134 };

describe('GET /api/admin/analytics/summary: program figures with a redemption', () => {
  const gid = (n: number) => `gid://shopify/Customer/9300000${n}`;
  const deliver = (topic: string, payload: unknown) => deliverOk(app.url, USD.domain, topic, payload);
  const buy = (
    n: number | null,
    lines: Array<{ title: string; priceMinor: number }>,
    extra: { discountMinor?: number; discountCode?: string } = {},
  ) => orderPayload({ customer: n === null ? null : { id: gid(n), email: `p${n}.member@example.com` }, lines, currency: 'USD', ...extra });

  beforeAll(async () => {
    await addShops(app, [[USD.domain, USD.currency, USD.timeZone]]);
    // Installed like the development shop (dev/seed.ts), so the reward's discount code is created in Shopify (the stand-in).
    const scope = 'read_orders,write_customers,write_discounts';
    await app.prisma.shop.update({ where: { domain: USD.domain }, data: { scopes: scope } });
    const token = 'shpat_tally_analytics_usd';
    app.standin!.control.registerShop(USD.domain, token);
    await app.prisma.session.create({
      data: { id: `offline_${USD.domain}`, shop: USD.domain, state: 'test', isOnline: false, accessToken: token, scope },
    });
    const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: USD.domain } });
    await app.prisma.program.update({
      where: { shop: USD.domain },
      data: { settings: { ...(program.settings as object), pendingDays: 0 } },
    });
    await app.prisma.earnRule.updateMany({ where: { shop: USD.domain, type: 'signup' }, data: { enabled: false } });
    const purchase = await app.prisma.earnRule.findFirstOrThrow({ where: { shop: USD.domain, type: 'purchase' } });
    await app.prisma.earnRule.update({
      where: { id: purchase.id },
      data: { config: { ...(purchase.config as object), excludedProductIds: ['gid://shopify/Product/7000001'] } },
    });
    app.programs.forget(USD.domain);

    await deliver('customers/create', customerPayload({ id: gid(3), email: 'p3.member@example.com' }));
    await deliver('orders/paid', buy(1, [{ title: 'Sofa', priceMinor: 60000 }]));
    await deliver('orders/paid', buy(2, [{ title: 'Lamp', priceMinor: 8000 }]));
    const guest = buy(null, [
      { title: 'Card', priceMinor: 50 },
      { title: 'Excluded vase', priceMinor: 4950 },
    ]);
    await deliver('orders/paid', { ...guest, email: 'G1@Example.com', contact_email: 'G1@Example.com' });
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: USD.domain, name: '5 off for 500 points' } });
    const redeemed = await proxyApi(
      app.url,
      'POST',
      '/redemptions',
      '93000001',
      { rewardId: reward.id, idempotencyKey: randomUUID() },
      { shop: USD.domain },
    );
    expect(redeemed.status, redeemed.text).toBe(201);
    const code = redeemed.body.redemption.code as string;
    // The discount is created in Shopify after the redemption commits (its reward.redeemed subscriber): the shopper
    // uses the code once it exists.
    const redemption = () => app.prisma.redemption.findFirstOrThrow({ where: { shop: USD.domain, code } });
    for (let waited = 0; (await redemption()).status !== 'ISSUED'; waited += 100) {
      if (waited > 15_000) throw new Error(`the redemption was not issued: ${JSON.stringify((await redemption()).error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await deliver('orders/paid', buy(1, [{ title: 'Rug', priceMinor: 10000 }], { discountMinor: 500, discountCode: code }));
    // The code was created in Shopify and used: a discount the reward gave.
    const used = await redemption();
    expect([used.status, Number(used.valueMinor)]).toEqual(['USED', 500]);
  });

  it('redemption rate, active member rate, points liability and ROI equal the hand computation', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const res = await adminApi(app.url, 'GET', `/analytics/summary?from=${day(-1)}&to=${day(1)}`, undefined, USD.domain);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The purchase figures the ROI rests on.
    expect.soft(res.body.members.netSalesMinor, 'members.netSalesMinor').toBe(77500);
    expect.soft(res.body.members.customers, 'members.customers').toBe(2);
    expect.soft(res.body.nonMembers.netSalesMinor, 'nonMembers.netSalesMinor').toBe(5000);
    expect.soft(res.body.nonMembers.customers, 'nonMembers.customers').toBe(1);
    for (const [f, want] of Object.entries(USD_PROGRAM)) expectFigure(res.body.program[f], want, `program.${f}`);
  });
});
