import { recordUninstall } from '../loyalty/shops.js';
import { appUninstalledPayload } from './schemas.js';
import { defineHandler } from './types.js';

export default defineHandler({
  topic: 'app/uninstalled',
  payload: appUninstalledPayload,
  requiresInstalledShop: false,
  async handle({ tx, shop }) {
    await recordUninstall(tx, shop);
    return 'processed';
  },
});
