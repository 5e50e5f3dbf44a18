/** The limits of sign-in, in one place so the docs and tests can quote them. */
export const AUTH_POLICY = {
  /** A session ends after this long without a request. */
  idleMinutes: 30,
  /** ...and after this long in any case. */
  absoluteHours: 12,
  /** Time allowed between the password and the second-factor step. */
  secondFactorMinutes: 5,
  /** Sign-in attempts allowed per account and per address in the window, before refusing. */
  maxFailuresPerAccount: 5,
  maxFailuresPerIp: 30,
  failureWindowMinutes: 15,
  /** Wrong second-factor codes allowed per account in the window; the last one locks the account... */
  maxSecondFactorFailures: 5,
  /** ...for this long (no sign-in at all), with an audit event; an admin's reset of the second factor ends it. */
  lockMinutes: 15,
  /** How long a first-run or password link stays valid. */
  setupLinkHours: 24,
  minPasswordLength: 12,
} as const;

export const MINUTE = 60_000;

/** The refusal every password door gives when CANDOR_LOCAL_PASSWORDS=false. */
export const PASSWORDS_OFF =
  'Password sign-in is turned off on this server (CANDOR_LOCAL_PASSWORDS=false): staff sign in through single sign-on.';
