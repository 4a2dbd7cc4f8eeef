// Every subscriber, by its path: web/subscribers/<event>/<reaction>.ts.
// Add a reaction by adding its file and one line here (a unit test fails
// when the two disagree). See web/events/subscriber.ts for the two modes.
import takeBackStoreCredit from './cashback.reversed/take-back-store-credit.js';
import forgetProgramCache from './program.changed/forget-program-cache.js';
import issueReward from './reward.redeemed/issue-reward.js';

export const subscribers = {
  'cashback.reversed/take-back-store-credit': takeBackStoreCredit,
  'program.changed/forget-program-cache': forgetProgramCache,
  'reward.redeemed/issue-reward': issueReward,
};
