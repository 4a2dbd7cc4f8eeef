import { checkoutRecorder } from './checkouts.js';

// Stores the checkout for the abandoned_checkout email.
export default checkoutRecorder('checkouts/create');
