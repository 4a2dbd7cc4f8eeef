// The referral fraud rules as a pure decision: each signal alone triggers its
// own rule and no other; the identity helpers recognise one person behind
// different spellings.
import { describe, expect, it } from 'vitest';
import {
  addressKey,
  BLOCK_REASONS,
  blockReasons,
  normaliseEmail,
  referralCode,
  REFERRAL_CODE_PATTERN,
  type BlockReason,
  type ReferralSignals,
} from '../../../web/loyalty/domain/referrals/index.js';
import { startOfMonth } from '../../../web/loyalty/domain/time.js';
import { order } from '../../helpers/orders.js';

const HOME = addressKey({ address1: '12 Main St.', zip: '10001', country_code: 'US' })!;

/** A genuine friend: nothing in common with the referrer, under every limit. */
function clean(): ReferralSignals {
  return {
    referrer: { customerId: 'gid://shopify/Customer/1', email: 'rita@example.com', addressKeys: [HOME], deviceIds: ['device-rita-1'] },
    friend: {
      customerId: 'gid://shopify/Customer/2',
      email: 'fred@example.com',
      addressKey: addressKey({ address1: '9 Elm Road', zip: '94110', country_code: 'US' }),
      deviceIds: ['device-fred-1'],
    },
    friendIsExistingCustomer: false,
    qualifiedLastDay: 0,
    qualifiedThisMonth: 0,
    limits: { maxPerDay: 3, monthlyCapPerReferrer: 10 },
  };
}

/** The one change to a clean case that should trigger each rule. */
const CASES: Record<BlockReason, (s: ReferralSignals) => void> = {
  self_referral_customer: (s) => void (s.friend.customerId = s.referrer.customerId),
  self_referral_email: (s) => void (s.friend.email = 'Rita@Example.com'),
  self_referral_normalised_email: (s) => void (s.friend.email = 'rita+friends@example.com'),
  self_referral_address: (s) => void (s.friend.addressKey = addressKey({ address1: '12 MAIN ST', zip: '10001 ', country_code: 'us' })),
  self_referral_device: (s) => void (s.friend.deviceIds = ['device-rita-1']),
  existing_customer: (s) => void (s.friendIsExistingCustomer = true),
  velocity: (s) => void (s.qualifiedLastDay = 3),
  monthly_cap: (s) => void (s.qualifiedThisMonth = 10),
};

describe('fraud rules', () => {
  it('let a genuine friend through', () => {
    expect(blockReasons(clean())).toEqual([]);
  });

  it('have a case for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual([...BLOCK_REASONS].sort());
  });

  it.each(Object.entries(CASES))('%s blocks its own case and only its case', (reason, change) => {
    const signals = clean();
    change(signals);
    expect(blockReasons(signals)).toEqual([reason]);
  });

  it('counts the limits from the referral that reaches them (one under passes)', () => {
    expect(blockReasons({ ...clean(), qualifiedLastDay: 2, qualifiedThisMonth: 9 })).toEqual([]);
  });

  it('names every rule that applies, the first being the recorded reason', () => {
    const s = clean();
    s.friend.customerId = s.referrer.customerId;
    s.friend.email = s.referrer.email;
    expect(blockReasons(s)).toEqual(['self_referral_customer', 'self_referral_email']);
  });

  it('ignores missing signals rather than matching two unknowns', () => {
    const s = clean();
    s.referrer.email = null;
    s.friend.email = null;
    s.friend.addressKey = null;
    s.referrer.deviceIds = [];
    expect(blockReasons(s)).toEqual([]);
  });
});

describe('normaliseEmail', () => {
  it.each([
    ['Jane.Doe@Gmail.com', 'janedoe@gmail.com'],
    ['jane.doe+shop@googlemail.com', 'janedoe@gmail.com'],
    ['j.a.n.e.doe@gmail.com', 'janedoe@gmail.com'],
    ['jane.doe+x@example.com', 'jane.doe@example.com'],
    [' JANE@EXAMPLE.COM ', 'jane@example.com'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it('keeps dots outside Gmail (they matter there) and rejects non-emails', () => {
    expect(normaliseEmail('jane.doe@example.com')).not.toBe(normaliseEmail('janedoe@example.com'));
    expect(normaliseEmail('not-an-email')).toBeNull();
    expect(normaliseEmail('+tag@example.com')).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
  });
});

describe('addressKey', () => {
  it('is blind to case, spacing and punctuation, and tells different addresses apart', () => {
    expect(addressKey({ address1: '12 Main St., Apt 4', zip: '10001', country_code: 'US' })).toBe(
      addressKey({ address1: ' 12 main st  apt 4', zip: '10001', country_code: 'us' }),
    );
    expect(addressKey({ address1: '12 Main St', zip: '10001', country_code: 'US' })).toMatch(/^[0-9a-f]{32}$/);
    expect(addressKey({ address1: '12 Main St', zip: '10001', country_code: 'US' })).not.toBe(
      addressKey({ address1: '14 Main St', zip: '10001', country_code: 'US' }),
    );
    expect(addressKey({ address1: '', zip: '10001' })).toBeNull();
    expect(addressKey(null)).toBeNull();
  });
});

describe('referral codes', () => {
  it("start with the member's first name and fit the URL pattern", () => {
    expect(referralCode('Zoë')).toMatch(/^ZOE-[A-Z2-9]{6}$/);
    expect(referralCode(null)).toMatch(/^[A-Z2-9]{8}$/);
    for (let i = 0; i < 50; i++) expect(REFERRAL_CODE_PATTERN.test(referralCode('Anna-Lena'))).toBe(true);
  });
});

describe('startOfMonth (the monthly cap resets at midnight on the 1st, shop time)', () => {
  it.each([
    ['2026-03-15T12:00:00Z', 'UTC', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T03:00:00Z', 'America/New_York', '2026-02-01T05:00:00.000Z'],
    ['2026-03-31T20:00:00Z', 'Asia/Tokyo', '2026-03-31T15:00:00.000Z'],
    ['2026-07-10T00:00:00Z', 'Europe/Paris', '2026-06-30T22:00:00.000Z'],
  ])('%s in %s → %s', (at, zone, expected) => {
    expect(startOfMonth(new Date(at), zone).toISOString()).toBe(expected);
  });
});

describe('order facts for referrals', () => {
  it('carry the referral cart attributes and a digest of the shipping address, never the address', () => {
    const { facts } = order({
      attributes: { _tally_ref: 'rita-7k3qxm', _tally_device: 'abcd-1234-efgh' },
      shippingAddress: { address1: '12 Main St', zip: '10001', country_code: 'US' },
    });
    expect(facts.referral).toEqual({ code: 'RITA-7K3QXM', deviceId: 'abcd-1234-efgh' });
    expect(facts.shippingAddressKey).toBe(addressKey({ address1: '12 main st', zip: '10001', country_code: 'US' }));
    expect(JSON.stringify(facts)).not.toContain('Main');
  });

  it('ignore attribute values that are not a code or a device id', () => {
    expect(order({ attributes: { _tally_ref: '<script>alert(1)</script>' } }).facts.referral).toBeNull();
    expect(order({}).facts.referral).toBeNull();
  });
});
