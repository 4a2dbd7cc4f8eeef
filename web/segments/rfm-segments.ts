// The eleven RFM segments' handles and names (../shared/METRICS.md, "RFM segments"): a pure module, so the
// admin's rule builder (web/frontend) and the server (web/segments) list the same ones.
/** The eleven segments in METRICS.md's order (best first). */
export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential_loyalists',
  'new',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cannot_lose',
  'hibernating',
  'lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export const RFM_NAMES: Record<RfmSegment, string> = {
  champions: 'Champions',
  loyal: 'Loyal',
  potential_loyalists: 'Potential loyalists',
  new: 'New',
  promising: 'Promising',
  need_attention: 'Need attention',
  about_to_sleep: 'About to sleep',
  at_risk: 'At risk',
  cannot_lose: 'Cannot lose',
  hibernating: 'Hibernating',
  lost: 'Lost',
};
