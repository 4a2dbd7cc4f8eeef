import { memberProfileSync } from './shared.js';

// Every customer of the shop is enrolled as a member.
export default memberProfileSync('customers/create');
