// The dashboard's pages (issue 16 section 2): what each signed-in person sees, scoped by the access rule.
import type { FastifyInstance } from 'fastify';
import { html, layout } from './html.ts';
import { viewerOfRequest, type DashboardDeps } from './request.ts';
import { DASHBOARD_PATH } from './sign-in.ts';

export async function dashboardPages(app: FastifyInstance, _opts: { deps: DashboardDeps }): Promise<void> {
  app.get(`${DASHBOARD_PATH}/`, async (req, reply) => {
    const viewer = viewerOfRequest(req);
    const body = html`<section><h2>${viewer.name}</h2><p>${viewer.identity.generalBranch.name} · ${viewer.identity.branch.name}</p></section>`;
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(layout({ title: '工作台', body, signedIn: { name: viewer.name, csrfToken: viewer.csrfToken } }));
  });
}
