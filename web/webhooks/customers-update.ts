import { memberProfileSync } from './shared.js';

// Keeps the member's profile in step with Shopify.
export default memberProfileSync('customers/update');
