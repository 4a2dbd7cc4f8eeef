// The one configured @shopify/shopify-api instance, used for OAuth, session
// tokens, app-proxy signatures and webhook HMACs.
import '@shopify/shopify-api/adapters/node';
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export type { Shopify };

export function createShopify(config: Config, logger: Logger): Shopify {
  const appUrl = new URL(config.shopify.appUrl);
  return shopifyApi({
    apiKey: config.shopify.apiKey,
    apiSecretKey: config.shopify.apiSecret,
    scopes: config.shopify.scopes,
    hostName: appUrl.host,
    hostScheme: appUrl.protocol === 'http:' ? 'http' : 'https',
    apiVersion: ApiVersion.April25,
    isEmbeddedApp: true,
    logger: {
      level: LogSeverity.Warning,
      httpRequests: false,
      timestamps: false,
      log: async (severity, message) => {
        if (severity <= LogSeverity.Warning) logger.warn({ shopifyApi: true }, message);
        else logger.debug({ shopifyApi: true }, message);
      },
    },
  });
}
