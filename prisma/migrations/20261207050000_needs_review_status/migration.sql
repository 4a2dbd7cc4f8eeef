-- Data only: redemptions and store credit debits held for an admin's review
-- used to be PENDING with the marker 'needs review' in their error text; they
-- move to the NEEDS_REVIEW status (added by 20261207043959_command_needs_review,
-- in its own migration because PostgreSQL cannot use an enum value in the
-- transaction that adds it).
UPDATE "Redemption" SET status = 'NEEDS_REVIEW', error = 'Shopify''s answer was lost: check Shopify, then settle it here'
WHERE status = 'PENDING' AND error = 'needs review';

UPDATE "StoreCreditDebit" SET status = 'NEEDS_REVIEW', error = 'Shopify''s answer was lost: check Shopify, then settle it here'
WHERE status = 'PENDING' AND error = 'needs review';
