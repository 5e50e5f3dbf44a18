import type { PortalRoute } from './context.ts';
import { routes as account } from './account-pages.tsx';
import { routes as guide } from './guide.tsx';
import { routes as submissions } from './submission-pages.tsx';

/** Every portal page and form, in one table: the server registers it, and the IDOR and fuzz tests walk it. */
export const PORTAL_ROUTES: readonly PortalRoute[] = [...submissions, ...account, ...guide];
