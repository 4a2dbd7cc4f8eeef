import { checkoutRecorder } from './checkouts.js';

// Keeps the stored checkout current (an older update never overwrites a newer one).
export default checkoutRecorder('checkouts/update');
