// The messages Tally's own schemas give when a value is refused. The English
// text is what the API answers; the admin UI shows the same message in the
// admin's language, found by its key (locales: `Validation.<key>`). zod's
// built-in messages ("Too big: …") come from zod's own locales instead.
export const messages = {
  programName: 'a name for your program',
  atMost60Characters: 'at most 60 characters',
  atMost100Characters: 'at most 100 characters',
  name: 'a name',
  actionName: 'a name for the action',
  wholePercentage: 'a whole percentage',
  wholePoints: 'a whole number of points',
  wholeMinorUnits: 'a whole number of minor units',
  wholePixels: 'a whole number of pixels',
  donationCause: 'the cause the donation goes to',
  multipleOfStep: 'must be a multiple of the step',
  atLeastMinimum: 'must be at least the minimum',
  largestDiscountTooBig: 'the largest discount would be too big',
  atLeastOneProduct: 'at least one product',
  atLeastOneCollection: 'at least one collection',
  hexColour: 'a colour like #1a1a1a',
  afterStart: 'must be after the start',
  tagWithoutComma: 'A tag cannot contain a comma',
  atLeastOneTier: 'Add at least one tier',
  duplicateTierId: 'Another tier has this id',
  duplicateThreshold: 'Another tier has this threshold',
  lowestTierAtZero: 'The lowest tier must start at 0 so every member has a tier',
  adjustmentReason: 'say why, in a few words',
  referrerGetsSomething: 'Give the referrer points, a reward, or both',
} as const;

export type MessageName = keyof typeof messages;

/** Finds a table's key from its English text: the text the server sent is how the UI knows which one it is. */
function keyOfText<K extends string>(table: Record<K, string>): (text: string) => K | null {
  const byText = new Map(Object.entries(table).map(([name, text]) => [text as string, name as K]));
  return (text) => byText.get(text) ?? null;
}

/** The key of one of these messages, from its English text (null for any other text). */
export const messageName = keyOfText(messages);

/** Notes Tally keeps on a store credit debit (shown to the admin, in their language, by key: `Notes.<key>`). */
export const notes = {
  creditSpent: 'the customer had already spent the credit',
  creditPartlySpent: 'the customer had already spent part of the credit',
  neverCredited: 'the cashback was never credited',
  balanceChanged: 'the balance changed; trying again',
} as const;

export type NoteName = keyof typeof notes;

/** The key of one of these notes, from its English text (null for any other text: Shopify's own errors, reviews). */
export const noteName = keyOfText(notes);
