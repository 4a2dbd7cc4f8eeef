import { orderSettler } from './shared.js';

export default orderSettler('orders/cancelled');
