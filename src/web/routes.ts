import type { WebRoute } from './context.ts';
import { routes as account } from './pages/account.tsx';
import { routes as admin } from './pages/admin.tsx';
import { routes as adminPortal } from './pages/admin-portal.tsx';
import { routes as contacts } from './pages/contacts.tsx';
import { routes as dashboard } from './pages/dashboard.tsx';
import { routes as portalIntake } from './pages/portal-intake.tsx';
import { routes as requestActions } from './pages/request-actions.ts';
import { routes as requestDetail } from './pages/request-detail.tsx';
import { routes as requestDocuments } from './pages/request-documents.tsx';
import { routes as requestComments } from './pages/request-comments.tsx';
import { routes as requestEdit } from './pages/request-edit.tsx';
import { routes as requestNew } from './pages/request-new.tsx';
import { routes as requestNotice } from './pages/request-notice.tsx';
import { routes as requestPortal } from './pages/request-portal.tsx';
import { routes as reportPolicy } from './pages/report-policy.tsx';
import { routes as reports } from './pages/reports.tsx';
import { routes as requests } from './pages/requests.tsx';
import { routes as signIn } from './pages/sign-in.tsx';

/** Agency names for the intake form's autocomplete (progressive enhancement: the form works without it). */
const agencies: WebRoute = {
  method: 'GET',
  path: '/web/agencies',
  access: 'request.read',
  handler: async (c) => ({
    json: await c.services.dashboard.agencies(c.actor, c.query.get('q').slice(0, 100)),
  }),
};

/**
 * Every web page and form endpoint, in one table: the server registers it, and test/db/web-pages.test.ts
 * walks it as every role. A new area adds its page module here (due view, request actions, report desk).
 */
export const WEB_ROUTES: readonly WebRoute[] = [
  ...signIn,
  ...dashboard,
  ...requests,
  ...requestNew,
  ...requestDetail,
  ...requestEdit,
  ...requestActions,
  ...requestDocuments,
  ...requestComments,
  ...requestNotice,
  ...requestPortal,
  agencies,
  ...contacts,
  ...portalIntake,
  ...reportPolicy,
  ...reports,
  ...admin,
  ...adminPortal,
  ...account,
];
