import { PORTAL_POLICY } from '../../services/portal/common.ts';
import type { PortalRoute } from './context.ts';
import { PortalLayout } from './layout.tsx';

/** The one-page officer guide (docs/portal.md has the provider's side). */
export const routes: PortalRoute[] = [
  {
    method: 'GET',
    path: '/portal/guide',
    access: 'public',
    handler: async (c) => (
      <PortalLayout page={c.page} title="Officer guide">
        <h2>1. Register</h2>
        <p>
          Register with your official agency e-mail address and open the confirmation link we send (it works
          once, for {PORTAL_POLICY.verifyLinkHours} hours). Addresses of known agency domains are active at
          once; any other is reviewed by the legal team, who e-mail you their decision.
        </p>
        <h2>2. Sign in</h2>
        <p>
          Enter your address and open the sign-in link we e-mail you (valid {PORTAL_POLICY.signInLinkMinutes}{' '}
          minutes). The first time, set up an authenticator app (any TOTP app); after that every sign-in asks
          for its 6-digit code. Sessions end after {PORTAL_POLICY.idleMinutes} minutes without use.
        </p>
        <h2>3. Submit</h2>
        <p>
          Fill in the form, attach the signed legal process as a PDF, sign the attestation and send. For an
          emergency involving danger of death or serious physical injury, tick the emergency box, answer its
          questions and give an independent call-back number (a switchboard or duty desk): the on-call team is
          alerted at once and calls that number to verify before anything is disclosed. Follow up with legal
          process.
        </p>
        <h2>4. Follow up</h2>
        <p>
          My submissions shows each request's status: received, in review, responded, refused or withdrawn. We
          e-mail you when it changes. Write to the legal team under the submission; only what they write to
          you is shown. You may withdraw a request that has not been answered.
        </p>
        <h2>5. Receive records</h2>
        <p>
          When records are released to you, a download appears under the submission. It expires (usually after
          {` ${c.config.portal.releaseDays} `}days) and allows a limited number of downloads; every download
          is recorded. The zip holds a manifest with the SHA-256 of each file, and a certification when one
          was made.
        </p>
        <h2>Limits</h2>
        <p>
          Too many registrations, sign-in links or submissions in an hour are refused for a while. Never share
          your account: each is personal and every action is recorded under your name.
        </p>
      </PortalLayout>
    ),
  },
];
