// Every subscriber, by its path: web/subscribers/<event>/<reaction>.ts.
// Add a reaction by adding its file and one line here (a unit test fails
// when the two disagree). See web/events/subscriber.ts for the two modes.
import forgetProgramCache from './program.changed/forget-program-cache.js';

export const subscribers = {
  'program.changed/forget-program-cache': forgetProgramCache,
};
