// The dashboard's pages (issue 16 sections 2 and 3): what each signed-in person sees, scoped by the access rule
// (src/domain/access.ts) and nothing else. Every id in a URL is checked against it; an id out of scope, unknown
// or malformed answers the same 404 page, so a URL never tells whether something exists.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { redactFor } from '../care/visibility.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { SuggestionRepository } from '../db/suggestion-repository.ts';
import {
  canSeeSensitive,
  dashboardViewsOf,
  mayOpenMemberPage,
  maySeeOrganisation,
  maySeeSensitiveFigures,
  maySeeSuggestion,
  seesSuggestionWriter,
  viewerOf,
  type AccessPerson,
  type OrganisationPlace,
} from '../domain/access.ts';
import { chineseWorkingDayCalendar } from '../domain/calendar.ts';
import { localDate, localTime } from '../domain/dates.ts';
import { OfficeDirectory } from '../notices/offices.ts';
import { exportBytes, exportChunks, type ExportOptions } from '../export/exports.ts';
import { EXPORT_CONTENT_TYPE, exportFileName } from '../export/request.ts';
import { findMemberById, loadOrganisationPlace } from '../roster/responsibility.ts';
import { addresseeLabel, factsOf } from '../voice/suggestions.ts';
import { figureSourceOf } from './figure-source.ts';
import { excellentCapOf, periodOf, rollUp, sumFigures, zeroFigures, type FigurePeriod } from './figures.ts';
import { html, layout, type Html } from './html.ts';
import { MemberRowsRepository } from './member-rows-repository.ts';
import { viewerOfRequest, type DashboardDeps } from './request.ts';
import { DASHBOARD_PATH } from './sign-in.ts';
import type { FigureScope, FigureSource } from './source.ts';
import { CHILD_ROWS_PER_PAGE, DOWNLOAD_KINDS, homePage, memberPage, orgPage, SENSITIVE_DOWNLOADS, type ChildRow, type Crumb, type DownloadKind, type OrgPageData } from './views.ts';

export interface DashboardPagesOptions {
  deps: DashboardDeps;
  /** Where the figures come from; default the database's (figureSourceOf). Tests may inject another. */
  figures?: FigureSource | undefined;
  /** Children per page of an organisation's tables; default CHILD_ROWS_PER_PAGE (tests page a small roster). */
  childRowsPerPage?: number | undefined;
}

const ID = /^\d{1,19}$/;
/** A URL's id as the database's bigint can hold it: 19 digits may still be past its largest (a 500, not a 404). */
const isId = (id: unknown): id is string => typeof id === 'string' && ID.test(id) && BigInt(id) <= 9_223_372_036_854_775_807n;
const NOT_FOUND_LINES = ['您要查看的页面不存在，或不在您的查看范围内。'];

export const orgHref = (id: string) => `${DASHBOARD_PATH}/org/${id}`;
export const memberHref = (id: string) => `${DASHBOARD_PATH}/member/${id}`;
export const downloadHref = (what: DownloadKind, orgId: string) => `${DASHBOARD_PATH}/download/${what}?org=${orgId}&format=csv`;

/** The figures' scope of an organisation the viewer may see: the whole committee, one GB or one branch. */
export function scopeOfOrganisation(org: OrganisationPlace): FigureScope {
  if (org.kind === 'committee') return { committeeId: org.committeeId, committee: true };
  if (org.kind === 'general_branch') return { committeeId: org.committeeId, generalBranchIds: [org.id] };
  return { committeeId: org.committeeId, branchIds: [org.id] };
}

/**
 * Where the home page leads: the organisations of the person's dashboard views (dashboardViewsOf), committee
 * first. None: their own page.
 */
export function homeTargets(views: { committee: boolean; generalBranchIds: readonly string[]; branchIds: readonly string[] }, committeeId: string): Array<{ id: string; kind: OrganisationPlace['kind'] }> {
  return [
    ...(views.committee ? [{ id: committeeId, kind: 'committee' as const }] : []),
    ...views.generalBranchIds.map((id) => ({ id, kind: 'general_branch' as const })),
    ...views.branchIds.map((id) => ({ id, kind: 'branch' as const })),
  ];
}

/**
 * The dates each download counts over, as the page's figures do: the year for the yearly kinds; the registry,
 * relief and suggestions as they stand (their figures are of today, whenever the row was made).
 */
export function downloadRange(what: DownloadKind, period: FigurePeriod): { from?: string; to?: string } {
  if (what === 'hardship' || what === 'relief' || what === 'suggestions') return {};
  if (what === 'greetings' || what === 'talks' || what === 'visits') return { from: `${period.year}-01-01`, to: period.today };
  // Obligations: this year's, and the backlog of earlier years (an overdue one counts until it is done).
  if (what === 'obligations') return { to: `${period.year}-12-31` };
  return { from: `${period.year}-01-01`, to: `${period.year}-12-31` };
}

function sendHtml(reply: FastifyReply, status: number, title: string, body: Html, viewer: { name: string; csrfToken: string }) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(layout({ title, body, signedIn: viewer }));
}

export async function dashboardPages(app: FastifyInstance, opts: DashboardPagesOptions): Promise<void> {
  const { deps } = opts;
  const db = deps.db.db;
  const figures = opts.figures ?? figureSourceOf(db, deps.config.timezone);
  const perPage = opts.childRowsPerPage ?? CHILD_ROWS_PER_PAGE;
  const rows = new MemberRowsRepository(db);
  const periodNow = () => periodOf(localDate(deps.clock(), deps.config.timezone));

  const notFound = (reply: FastifyReply, viewer: { name: string; csrfToken: string }) =>
    reply.code(404).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(layout({ title: '页面不存在', body: html`<section><h2>页面不存在</h2>${NOT_FOUND_LINES.map((l) => html`<p>${l}</p>`)}<p><a href="${DASHBOARD_PATH}/">返回工作台</a></p></section>`, signedIn: viewer }));

  /** The organisation of a URL's id when the viewer may see it; undefined for anything else (→ 404). */
  const visibleOrganisation = async (person: AccessPerson, id: unknown): Promise<OrganisationPlace | undefined> => {
    if (!isId(id)) return undefined;
    const org = await loadOrganisationPlace(db, id);
    return org && org.committeeId === person.committeeId && maySeeOrganisation(person, org) ? org : undefined;
  };

  /** Breadcrumbs from the committee down to the organisation: a link where the viewer may open it. */
  const crumbsOf = async (person: AccessPerson, org: OrganisationPlace, extra: Crumb[] = []): Promise<Crumb[]> => {
    const chain: OrganisationPlace[] = [{ id: org.committeeId, kind: 'committee', generalBranchId: null, committeeId: org.committeeId }];
    if (org.generalBranchId) chain.push({ id: org.generalBranchId, kind: 'general_branch', generalBranchId: org.generalBranchId, committeeId: org.committeeId });
    if (org.kind === 'branch') chain.push(org);
    const names = await rows.organisations(chain.map((o) => o.id));
    return [
      { name: '工作台', href: `${DASHBOARD_PATH}/` },
      ...chain.map((o) => ({ name: names.get(o.id)?.name ?? '', href: maySeeOrganisation(person, o) ? orgHref(o.id) : undefined })),
      ...extra,
    ];
  };

  app.get(`${DASHBOARD_PATH}/`, async (req, reply) => {
    const viewer = viewerOfRequest(req);
    const targets = homeTargets(dashboardViewsOf(viewer.person), viewer.person.committeeId);
    if (targets.length === 0) return reply.code(303).header('cache-control', 'no-store').redirect(memberHref(viewer.memberId), 303);
    if (targets.length === 1) return reply.code(303).header('cache-control', 'no-store').redirect(orgHref(targets[0]!.id), 303);
    const names = await rows.organisations(targets.map((t) => t.id));
    const views = targets.map((t) => ({ name: names.get(t.id)?.name ?? t.id, href: orgHref(t.id), kind: t.kind }));
    return sendHtml(reply, 200, '工作台', homePage(viewer.name, views, memberHref(viewer.memberId)), viewer);
  });

  app.get(`${DASHBOARD_PATH}/org/:id`, async (req, reply) => {
    const viewer = viewerOfRequest(req);
    const person = viewer.person;
    const org = await visibleOrganisation(person, (req.params as { id?: unknown }).id);
    if (!org) return notFound(reply, viewer);
    // ?p=N: which perPage children the tables show (a malformed or out-of-range page → 404).
    const pageParam = (req.query as Record<string, unknown> | undefined)?.['p'];
    if (pageParam !== undefined && (typeof pageParam !== 'string' || !/^[1-9]\d{0,5}$/.test(pageParam))) return notFound(reply, viewer);
    const childPage = pageParam === undefined ? 1 : Number(pageParam);
    const period = periodNow();
    const scope = scopeOfOrganisation(org);
    // The committee's page reads a row per general branch (from the snapshot of a very large committee), never
    // every branch; the other pages read their branches.
    const byGb = org.kind === 'committee' && figures.generalBranchTotals !== undefined;
    const [branches, gbTotals, months, visitDays, asOf, names, settings] = await Promise.all([
      byGb ? Promise.resolve([]) : figures.branchFigures(scope, period),
      byGb ? figures.generalBranchTotals!(scope, period) : Promise.resolve(undefined),
      figures.months(scope, period),
      figures.visitDays(scope, period),
      figures.asOf ? figures.asOf(scope, period) : Promise.resolve(undefined),
      rows.organisations([org.id]),
      new SettingsRepository(db).read(['excellent_member_cap_percent']),
    ]);
    const percent = settings.excellent_member_cap_percent;
    const gbs = gbTotals ?? rollUp(branches);
    const sensitive = maySeeSensitiveFigures(person, org);
    let children: ChildRow[];
    let excellentCap: number | undefined;
    if (org.kind === 'committee') {
      children = gbs.map((g) => {
        const place: OrganisationPlace = { id: g.generalBranchId, kind: 'general_branch', generalBranchId: g.generalBranchId, committeeId: org.committeeId };
        return { id: g.generalBranchId, name: g.generalBranchName, href: maySeeOrganisation(person, place) ? orgHref(g.generalBranchId) : undefined, figures: g.figures, excellentCap: excellentCapOf(g.figures.members, percent) };
      });
      excellentCap = children.reduce((n, c) => n + (c.excellentCap ?? 0), 0);
    } else if (org.kind === 'general_branch') {
      children = branches.map((b) => {
        const place: OrganisationPlace = { id: b.branchId, kind: 'branch', generalBranchId: b.generalBranchId, committeeId: org.committeeId };
        return { id: b.branchId, name: b.branchName, href: maySeeOrganisation(person, place) ? orgHref(b.branchId) : undefined, figures: b.figures };
      });
      excellentCap = excellentCapOf(sumFigures(branches.map((b) => b.figures)).members, percent);
    } else {
      children = [];
    }
    // A GB of the million-member demo has 3,265 branches: all of them would make a 7.6 MB page that takes a second
    // to render. The tables show perPage (CHILD_ROWS_PER_PAGE) at a time; the cards and the total rows stay the whole scope's.
    const pages = Math.max(1, Math.ceil(children.length / perPage));
    if (childPage > pages) return notFound(reply, viewer);
    const childPager = pages > 1 ? { page: childPage, pages, total: children.length, from: (childPage - 1) * perPage + 1, href: (p: number) => `${orgHref(org.id)}?p=${p}` } : undefined;
    children = children.slice((childPage - 1) * perPage, childPage * perPage);
    const total = gbTotals ? sumFigures(gbTotals.map((g) => g.figures)) : branches.length > 0 ? sumFigures(branches.map((b) => b.figures)) : zeroFigures();
    const viewerAccess = viewerOf(person);
    const members =
      org.kind === 'branch'
        ? (await rows.branchMembers(org.id, period.year, period.today)).map((m) => {
            const place = { memberId: m.memberId, branchId: org.id, generalBranchId: org.generalBranchId!, committeeId: org.committeeId };
            return { ...m, href: mayOpenMemberPage(person, place) ? memberHref(m.memberId) : undefined, reasonsShown: canSeeSensitive(viewerAccess, place) };
          })
        : undefined;
    const downloads: OrgPageData['downloads'] = {};
    for (const k of DOWNLOAD_KINDS) if (!SENSITIVE_DOWNLOADS.includes(k) || sensitive) downloads[k] = downloadHref(k, org.id);
    const name = names.get(org.id)?.name ?? '';
    const body = orgPage({
      kind: org.kind,
      name,
      crumbs: await crumbsOf(person, org),
      figures: total,
      excellentCap,
      children,
      childPager,
      members,
      months,
      visitDays,
      year: period.year,
      today: period.today,
      countedAt: asOf ? localTime(asOf, deps.config.timezone) : undefined,
      sensitive,
      downloads,
    });
    return sendHtml(reply, 200, name, body, viewer);
  });

  app.get(`${DASHBOARD_PATH}/member/:id`, async (req, reply) => {
    const viewer = viewerOfRequest(req);
    const person = viewer.person;
    const id = (req.params as { id?: unknown }).id;
    if (!isId(id)) return notFound(reply, viewer);
    const who = await findMemberById(db, id);
    if (!who || who.committeeId !== person.committeeId) return notFound(reply, viewer);
    const place = { memberId: who.memberId, branchId: who.branch.id, generalBranchId: who.generalBranch.id, committeeId: who.committeeId };
    if (!mayOpenMemberPage(person, place)) return notFound(reply, viewer);
    const own = who.memberId === person.memberId;
    const period = periodNow();
    const access = viewerOf(person);
    const [owed, received, greetings, written] = await Promise.all([
      rows.owedBy(who.memberId, who.roles.map((r) => ({ role: r.role, organisationId: r.organisation.id }))),
      rows.careReceived(who.memberId, period.year),
      rows.greetings(who.memberId),
      new SuggestionRepository(db).byWriter(who.memberId),
    ]);
    // Suggestions: the access rule's own functions; on someone else's page only those that name their writer to
    // this viewer — an anonymous one listed under a name would name its writer.
    let suggestions: Parameters<typeof memberPage>[0]['suggestions'] = [];
    if (written.length > 0) {
      const offices = await OfficeDirectory.load(db);
      const calendar = chineseWorkingDayCalendar();
      suggestions = written
        .filter((s) => {
          const facts = factsOf(s, offices, period.today, calendar);
          return own ? maySeeSuggestion(access, facts) : seesSuggestionWriter(access, facts);
        })
        .map((s) => ({ filedOn: s.filed_on, dueOn: s.due_on, state: s.state, addressee: addresseeLabel(s), text: s.text, reply: s.reply, anonymous: s.anonymous }));
    }
    const branchPlace: OrganisationPlace = { id: who.branch.id, kind: 'branch', generalBranchId: who.generalBranch.id, committeeId: who.committeeId };
    const body = memberPage({
      name: who.name,
      place: `${who.generalBranch.name} · ${who.branch.name}${who.status === 'active' ? '' : '（已不在册）'}`,
      crumbs: await crumbsOf(person, branchPlace, [{ name: who.name }]),
      own,
      today: period.today,
      year: period.year,
      owed: owed.map((o) => {
        const about = { memberId: o.aboutMemberId, branchId: o.aboutBranchId, generalBranchId: o.aboutGeneralBranchId, committeeId: o.aboutCommitteeId };
        return { ...o, reasonShown: canSeeSensitive(access, about), href: mayOpenMemberPage(person, about) ? memberHref(o.aboutMemberId) : undefined };
      }),
      received: received.map((r) => ({ ...r, ...redactFor(access, place, r.reason, r.note) })),
      greetings,
      suggestions,
      suggestionsShown: own || suggestions.length > 0,
    });
    return sendHtml(reply, 200, who.name, body, viewer);
  });

  app.get(`${DASHBOARD_PATH}/download/:what`, async (req, reply) => {
    const viewer = viewerOfRequest(req);
    const person = viewer.person;
    const what = (req.params as { what?: unknown }).what;
    const q = (req.query ?? {}) as Record<string, unknown>;
    if (typeof what !== 'string' || !(DOWNLOAD_KINDS as readonly string[]).includes(what)) return notFound(reply, viewer);
    const kind = what as DownloadKind;
    const format = q['format'] ?? 'csv';
    if (format !== 'csv') return notFound(reply, viewer);
    const org = await visibleOrganisation(person, q['org']);
    if (!org) return notFound(reply, viewer);
    if (SENSITIVE_DOWNLOADS.includes(kind) && !maySeeSensitiveFigures(person, org)) return notFound(reply, viewer);
    const period = periodNow();
    // The org's branches: all within the viewer's scope, as the org passed maySeeOrganisation and the rule reaches down.
    const branchIds = await rows.branchesUnder(org.id);
    const options = {
      ...downloadRange(kind, period),
      today: period.today,
      timeZone: deps.config.timezone,
      viewer: viewerOf(person),
      branchIds,
    };
    const chunks = exportChunks(db, kind, options satisfies ExportOptions);
    req.log.info({ dashboard: 'download', what: kind, org: org.id, memberId: viewer.memberId }, 'dashboard download');
    return reply
      .header('content-type', EXPORT_CONTENT_TYPE.csv)
      .header('content-disposition', `attachment; filename="${exportFileName(kind, 'csv', period.today)}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(exportBytes(kind, 'csv', chunks), { objectMode: false }));
  });

  // Any other path below /dashboard/ (signed in): the same 404 page as an id out of scope, not the framework's JSON.
  app.get(`${DASHBOARD_PATH}/*`, async (req, reply) => notFound(reply, viewerOfRequest(req)));
}
