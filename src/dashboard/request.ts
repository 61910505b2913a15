// What a dashboard route knows of its request: the signed-in viewer (set by the session check in routes.ts).
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { DashboardViewer } from './sign-in.ts';

declare module 'fastify' {
  interface FastifyRequest {
    dashboardViewer?: DashboardViewer;
  }
}

/** The platforms are optional: their web sign-in (web-sign-in.ts) is offered only where they are given. */
export type DashboardDeps = Pick<Deps, 'config' | 'db' | 'clock' | 'log'> & Partial<Pick<Deps, 'platforms'>>;

/** The viewer of a request in the signed-in area (set by the preHandler; pages never run without one). */
export function viewerOfRequest(req: FastifyRequest): DashboardViewer {
  if (!req.dashboardViewer) throw new Error('dashboard page reached without a session');
  return req.dashboardViewer;
}
