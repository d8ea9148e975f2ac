// Builds botbuilder's CloudAdapter from the MICROSOFT_APP_* settings, refusing an unauthenticated
// endpoint in production. The only place that knows how the Bot Framework authenticates.

import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
} from 'botbuilder';

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type AppType = (typeof APP_TYPES)[number];

export interface TeamsAuthOptions {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  /** MultiTenant (default), SingleTenant or UserAssignedMSI. */
  appType?: string;
  /** Defaults to process.env.NODE_ENV. */
  nodeEnv?: string;
}

export interface TeamsAuth {
  appId: string;
  appPassword: string;
  tenantId: string;
  appType: AppType;
  /** True when there is no app id: requests and replies are not authenticated (local testing only). */
  unauthenticated: boolean;
}

/** Validate the settings; throws an Error with a message an operator can act on. */
export function resolveTeamsAuth(o: TeamsAuthOptions): TeamsAuth {
  const appId = (o.appId ?? '').trim();
  const appPassword = (o.appPassword ?? '').trim();
  const tenantId = (o.tenantId ?? '').trim();
  const nodeEnv = o.nodeEnv ?? process.env.NODE_ENV;
  const rawType = (o.appType ?? '').trim() || 'MultiTenant';
  const appType = APP_TYPES.find((t) => t.toLowerCase() === rawType.toLowerCase());
  if (!appType) {
    throw new Error(`Teams: MICROSOFT_APP_TYPE "${rawType}" is not one of ${APP_TYPES.join(', ')}.`);
  }
  if (!appId) {
    if (nodeEnv === 'production') {
      throw new Error(
        'Teams: MICROSOFT_APP_ID is empty. Without it the Bot Framework endpoint is not authenticated, ' +
          'which is only allowed when NODE_ENV is not "production". Set MICROSOFT_APP_ID (and the password or ' +
          'managed identity) from your Azure Bot registration.',
      );
    }
    return { appId: '', appPassword: '', tenantId, appType, unauthenticated: true };
  }
  if (appType !== 'MultiTenant' && !tenantId) {
    throw new Error(`Teams: MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE is ${appType}.`);
  }
  if (appType === 'UserAssignedMSI' && appPassword) {
    throw new Error('Teams: leave MICROSOFT_APP_PASSWORD empty when MICROSOFT_APP_TYPE is UserAssignedMSI.');
  }
  if (appType !== 'UserAssignedMSI' && !appPassword) {
    throw new Error(`Teams: MICROSOFT_APP_PASSWORD is required when MICROSOFT_APP_TYPE is ${appType}.`);
  }
  return { appId, appPassword, tenantId, appType, unauthenticated: false };
}

export function createCloudAdapter(auth: TeamsAuth): CloudAdapter {
  const settings = {
    MicrosoftAppId: auth.appId,
    MicrosoftAppPassword: auth.appPassword,
    MicrosoftAppType: auth.appType,
    MicrosoftAppTenantId: auth.tenantId,
  };
  const credentials = new ConfigurationServiceClientCredentialFactory(settings);
  const authentication = new ConfigurationBotFrameworkAuthentication(settings, credentials);
  return new CloudAdapter(authentication);
}
