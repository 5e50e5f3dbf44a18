import type { Db } from '../db/connect.ts';
import type { KeyringSource } from '../keys/source.ts';
import { createChangePassword } from './auth/change-password.ts';
import { createSecondFactor } from './auth/second-factor.ts';
import { createSessions } from './auth/sessions.ts';
import { createSetupLinks } from './auth/setup-links.ts';
import { createSignIn } from './auth/sign-in.ts';
import { createOidc } from './auth/oidc.ts';
import { createSignInSettings } from './auth/sign-in-settings.ts';
import type { Config } from '../config.ts';
import type { Clock } from './requests.ts';

/**
 * Signing in to the web app, one use case per file under `auth/`: sessions, the two sign-in steps with
 * their limits, the second factor, one-time setup links, and changing a password.
 */
export { AUTH_POLICY } from './auth/policy.ts';
export { hashPassword, sha256, verifyPassword } from './auth/passwords.ts';
export type { SignInResult } from './auth/sign-in.ts';
export type { OidcResult, OidcRefusal } from './auth/oidc.ts';
export type { WebSession } from './auth/sessions.ts';

export function createAuthService(deps: { db: Db; clock: Clock; keys: KeyringSource; config: Config }) {
  const sessions = createSessions(deps);
  const { newSession: _new, signInEvent: _event, ...sessionUseCases } = sessions;
  return {
    ...sessionUseCases,
    ...createSignIn({ ...deps, sessions }),
    ...createSecondFactor(deps),
    ...createSetupLinks({ ...deps, sessions }),
    ...createChangePassword({ ...deps, sessions }),
    ...createOidc({ ...deps, sessions }),
    ...createSignInSettings(deps),
    /** CANDOR_LOCAL_PASSWORDS: whether the password doors are open. */
    localPasswords: deps.config.localPasswords,
  };
}
export type AuthService = ReturnType<typeof createAuthService>;

/** The one-time link printed by `candor serve` on an empty database, or null when users exist. */
export async function firstRunLink(services: { auth: AuthService }, baseUrl: string): Promise<string | null> {
  const token = await services.auth.firstRunToken();
  return token ? `${baseUrl.replace(/\/$/, '')}/setup/${token}` : null;
}
