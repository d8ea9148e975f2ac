// Teams settings: app types, the production refusal of an empty app id, and form time parsing.

import { describe, expect, it } from 'vitest';
import { resolveTeamsAuth } from '../../../src/channels/teams/adapter.js';
import { parseWhen } from '../../../src/channels/teams/invoke.js';

describe('resolveTeamsAuth', () => {
  it('an empty app id is allowed outside production, as unauthenticated', () => {
    expect(resolveTeamsAuth({ nodeEnv: 'development' })).toMatchObject({ appId: '', unauthenticated: true, appType: 'MultiTenant' });
  });

  it('an empty app id is refused in production with a clear message', () => {
    expect(() => resolveTeamsAuth({ nodeEnv: 'production' })).toThrow(/MICROSOFT_APP_ID is empty.*only allowed when NODE_ENV is not "production"/);
  });

  it('app types: SingleTenant needs a tenant and a password; UserAssignedMSI a tenant and no password', () => {
    expect(resolveTeamsAuth({ appId: 'id', appPassword: 'pw', tenantId: 't', appType: 'singletenant', nodeEnv: 'production' })).toMatchObject({
      appType: 'SingleTenant',
      unauthenticated: false,
    });
    expect(() => resolveTeamsAuth({ appId: 'id', appPassword: 'pw', appType: 'SingleTenant' })).toThrow(/MICROSOFT_APP_TENANT_ID is required/);
    expect(() => resolveTeamsAuth({ appId: 'id', appType: 'SingleTenant', tenantId: 't' })).toThrow(/MICROSOFT_APP_PASSWORD is required/);
    expect(resolveTeamsAuth({ appId: 'id', tenantId: 't', appType: 'UserAssignedMSI' })).toMatchObject({ appType: 'UserAssignedMSI' });
    expect(() => resolveTeamsAuth({ appId: 'id', tenantId: 't', appPassword: 'pw', appType: 'UserAssignedMSI' })).toThrow(/leave MICROSOFT_APP_PASSWORD empty/);
    expect(() => resolveTeamsAuth({ appId: 'id', appPassword: 'pw', appType: 'Cloud' })).toThrow(/not one of MultiTenant, SingleTenant, UserAssignedMSI/);
  });
});

describe('parseWhen (notified time from the card form)', () => {
  const now = new Date('2026-07-01T12:00:00Z'); // 13:00 in London (BST)

  it('blank means now; a time alone means today in the given zone', () => {
    expect(parseWhen('', '', now, 'Europe/London')).toEqual({ ok: true, iso: now.toISOString() });
    expect(parseWhen('', '12:30', now, 'Europe/London')).toEqual({ ok: true, iso: '2026-07-01T11:30:00.000Z' });
  });

  it('reads dates across the clock change', () => {
    expect(parseWhen('2026-03-28', '12:00', now, 'Europe/London')).toEqual({ ok: true, iso: '2026-03-28T12:00:00.000Z' });
    expect(parseWhen('2026-03-30', '12:00', now, 'Europe/London')).toEqual({ ok: true, iso: '2026-03-30T11:00:00.000Z' });
  });

  it('refuses a date without a time, bad values and the future', () => {
    expect(parseWhen('2026-07-01', '', now, 'Europe/London').ok).toBe(false);
    expect(parseWhen('2026-02-30', '10:00', now, 'Europe/London').ok).toBe(false);
    expect(parseWhen('', '25:00', now, 'Europe/London').ok).toBe(false);
    expect(parseWhen('', '14:00', now, 'Europe/London')).toEqual({ ok: false, message: 'That time is in the future. Please check it.' });
  });
});
