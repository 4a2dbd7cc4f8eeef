import { orderRecorder } from './shared.js';

// Points for purchases come with the points engine; for now the order is recorded.
export default orderRecorder('orders/paid');
