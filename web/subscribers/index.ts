// Every subscriber, by its path: web/subscribers/<event>/<reaction>.ts.
// Add a reaction by adding its file and one line here (a unit test fails
// when the two disagree). See web/events/subscriber.ts for the two modes.
import takeBackStoreCredit from './cashback.reversed/take-back-store-credit.js';
import cashbackPaidIssueStoreCredit from './cashback.paid/issue-store-credit.js';
import rewardGrantedIssueReward from './reward.granted/issue-reward.js';
import forgetProgramCache from './program.changed/forget-program-cache.js';
import memberClaimedGuestPointsReviewTier from './member.claimed_guest_points/review-tier.js';
import orderPaidQualifyReferral from './order.paid/qualify-referral.js';
import orderPaidReviewTier from './order.paid/review-tier.js';
import orderSpendChangedReviewTier from './order.spend_changed/review-tier.js';
import orderReleasedPayCashback from './order.released/pay-cashback.js';
import orderReleasedRewardReferral from './order.released/reward-referral.js';
import orderReleasedInviteSurvey from './order.released/invite-survey.js';
import pointsAdjustedReviewTier from './points.adjusted/review-tier.js';
import pointsEarnedReviewTier from './points.earned/review-tier.js';
import pointsPendingReviewTier from './points.pending/review-tier.js';
import pointsReleasedReviewTier from './points.released/review-tier.js';
import tierChangedAwardEntryReward from './tier.changed/award-entry-reward.js';
import issueReward from './reward.redeemed/issue-reward.js';
import pointsEarnedSyncToShopify from './points.earned/sync-to-shopify.js';
import pointsPendingSyncToShopify from './points.pending/sync-to-shopify.js';
import pointsReleasedSyncToShopify from './points.released/sync-to-shopify.js';
import pointsVoidedSyncToShopify from './points.voided/sync-to-shopify.js';
import pointsSpentSyncToShopify from './points.spent/sync-to-shopify.js';
import pointsRefundedSyncToShopify from './points.refunded/sync-to-shopify.js';
import pointsAdjustedSyncToShopify from './points.adjusted/sync-to-shopify.js';
import pointsClawedBackSyncToShopify from './points.clawed_back/sync-to-shopify.js';
import pointsExpiredSyncToShopify from './points.expired/sync-to-shopify.js';
import memberClaimedGuestPointsSyncToShopify from './member.claimed_guest_points/sync-to-shopify.js';
import tierChangedSyncToShopify from './tier.changed/sync-to-shopify.js';
import memberEnrolledSendEmail from './member.enrolled/send-email.js';
import tierChangedSendEmail from './tier.changed/send-email.js';
import pointsAdjustedSendEmail from './points.adjusted/send-email.js';
import rewardIssuedSendEmail from './reward.issued/send-email.js';
import pointsEarnedSendEmail from './points.earned/send-email.js';
import pointsPendingSendEmail from './points.pending/send-email.js';
import pointsReleasedSendEmail from './points.released/send-email.js';
import rewardExpiringSoonSendEmail from './reward.expiring_soon/send-email.js';
import pointsExpiringSoonSendEmail from './points.expiring_soon/send-email.js';
import referralCompletedSendEmail from './referral.completed/send-email.js';
import tierAtRiskSendEmail from './tier.at_risk/send-email.js';
import surveyDetractorAlertMerchant from './survey.detractor/alert-merchant.js';

export const subscribers = {
  'cashback.reversed/take-back-store-credit': takeBackStoreCredit,
  'cashback.paid/issue-store-credit': cashbackPaidIssueStoreCredit,
  'reward.granted/issue-reward': rewardGrantedIssueReward,
  'program.changed/forget-program-cache': forgetProgramCache,
  'member.claimed_guest_points/review-tier': memberClaimedGuestPointsReviewTier,
  'order.paid/qualify-referral': orderPaidQualifyReferral,
  'order.paid/review-tier': orderPaidReviewTier,
  'order.spend_changed/review-tier': orderSpendChangedReviewTier,
  'order.released/pay-cashback': orderReleasedPayCashback,
  'order.released/reward-referral': orderReleasedRewardReferral,
  'order.released/invite-survey': orderReleasedInviteSurvey,
  'points.adjusted/review-tier': pointsAdjustedReviewTier,
  'points.earned/review-tier': pointsEarnedReviewTier,
  'points.pending/review-tier': pointsPendingReviewTier,
  'points.released/review-tier': pointsReleasedReviewTier,
  'tier.changed/award-entry-reward': tierChangedAwardEntryReward,
  'reward.redeemed/issue-reward': issueReward,
  'points.earned/sync-to-shopify': pointsEarnedSyncToShopify,
  'points.pending/sync-to-shopify': pointsPendingSyncToShopify,
  'points.released/sync-to-shopify': pointsReleasedSyncToShopify,
  'points.voided/sync-to-shopify': pointsVoidedSyncToShopify,
  'points.spent/sync-to-shopify': pointsSpentSyncToShopify,
  'points.refunded/sync-to-shopify': pointsRefundedSyncToShopify,
  'points.adjusted/sync-to-shopify': pointsAdjustedSyncToShopify,
  'points.clawed_back/sync-to-shopify': pointsClawedBackSyncToShopify,
  'points.expired/sync-to-shopify': pointsExpiredSyncToShopify,
  'member.claimed_guest_points/sync-to-shopify': memberClaimedGuestPointsSyncToShopify,
  'tier.changed/sync-to-shopify': tierChangedSyncToShopify,
  'member.enrolled/send-email': memberEnrolledSendEmail,
  'tier.changed/send-email': tierChangedSendEmail,
  'points.adjusted/send-email': pointsAdjustedSendEmail,
  'reward.issued/send-email': rewardIssuedSendEmail,
  'points.earned/send-email': pointsEarnedSendEmail,
  'points.pending/send-email': pointsPendingSendEmail,
  'points.released/send-email': pointsReleasedSendEmail,
  'reward.expiring_soon/send-email': rewardExpiringSoonSendEmail,
  'points.expiring_soon/send-email': pointsExpiringSoonSendEmail,
  'referral.completed/send-email': referralCompletedSendEmail,
  'tier.at_risk/send-email': tierAtRiskSendEmail,
  'survey.detractor/alert-merchant': surveyDetractorAlertMerchant,
};
