/**
 * The duty roster service: who may plan an organisation's shifts (its own staff, and the command
 * centre's commanders for every organisation), who is on duty at a time, the CSV import of a
 * month (all rows or none), and handovers (the outgoing officer writes, the incoming confirms).
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '#domain/actor';
import type { Handover, HandoverInput, Shift, ShiftInput } from '#domain/api/duty';
import { ApiError } from '#domain/api/errors';
import type { OrganisationDirectory } from '../identity/organisations.ts';
import type { DutyRepository, HandoverRow, ShiftRow } from './duty-repository.ts';
import { parseRosterCsv } from './roster-csv.ts';

const STAFF_ROLES = new Set(['commander', 'agency', 'township', 'field']);

export class Roster {
	constructor(
		private readonly deps: {
			repo: DutyRepository;
			orgs: OrganisationDirectory;
			userName(id: string): Promise<string | undefined>;
			now(): number;
		}
	) {}

	#org(orgId: string): void {
		if (!this.deps.orgs.get(orgId))
			throw new ApiError(404, 'organisation-not-found', `no active organisation ${orgId}`);
	}

	/** The organisation's own staff, or a commander of the command centre. */
	assertMayPlan(actor: Actor, orgId: string): void {
		this.#org(orgId);
		const commander =
			actor.role === 'commander' && this.deps.orgs.get(actor.orgId)?.kind === 'command_centre';
		if (!commander && !(STAFF_ROLES.has(actor.role) && actor.orgId === orgId))
			throw new ApiError(
				403,
				'not-your-roster',
				"an organisation's own staff, or the command centre, plan its duty roster"
			);
	}

	async shifts(orgId: string, from: number, to: number): Promise<Shift[]> {
		this.#org(orgId);
		if (to <= from || to - from > 62 * 86_400_000)
			throw new ApiError(400, 'bad-range', 'a range ends after it starts and spans at most 62 days');
		return (await this.deps.repo.shifts(orgId, from, to)).map(shiftOut);
	}

	async onDuty(orgId: string, at: number): Promise<Shift | null> {
		this.#org(orgId);
		const s = await this.deps.repo.onDutyAt(orgId, at);
		return s ? shiftOut(s) : null;
	}

	/** Who is on duty at `at` in every organisation that has a shift then. */
	async onDutyEverywhere(at: number): Promise<Shift[]> {
		return (await this.deps.repo.onDutyEverywhere(at)).map(shiftOut);
	}

	async addShift(actor: Actor, orgId: string, input: Required<ShiftInput>): Promise<Shift> {
		this.assertMayPlan(actor, orgId);
		const row: ShiftRow = {
			id: `shf-${randomUUID()}`,
			orgId,
			startsAt: Date.parse(input.startsAt),
			endsAt: Date.parse(input.endsAt),
			officerName: input.officerName,
			officerPhone: input.officerPhone,
			leaderName: input.leaderName,
			leaderPhone: input.leaderPhone,
			note: input.note
		};
		if (row.endsAt - row.startsAt > 48 * 3_600_000)
			throw new ApiError(400, 'shift-too-long', 'a shift lasts at most 48 hours');
		const r = await this.deps.repo.addShift(row, actor.userId);
		if (!r.ok)
			throw new ApiError(
				409,
				'shift-overlap',
				`overlaps the shift of ${r.overlaps.officerName} from ${new Date(r.overlaps.startsAt).toISOString()}`
			);
		return shiftOut(row);
	}

	async removeShift(actor: Actor, orgId: string, id: string): Promise<void> {
		this.assertMayPlan(actor, orgId);
		if (!(await this.deps.repo.removeShift(orgId, id)))
			throw new ApiError(404, 'shift-not-found', `no shift ${id}`);
	}

	/** Replaces the month's shifts with the CSV's, or refuses the whole file with every row's error. */
	async importMonth(actor: Actor, orgId: string, month: string, csv: string): Promise<number> {
		this.assertMayPlan(actor, orgId);
		const parsed = parseRosterCsv(csv, month);
		if (!parsed.ok)
			throw new ApiError(
				400,
				'roster-csv-invalid',
				`the file has ${parsed.issues.length} error(s); nothing was imported`,
				parsed.issues
			);
		const from = Date.parse(`${month}-01T00:00:00+08:00`);
		const [y, m] = month.split('-').map(Number) as [number, number];
		const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
		const to = Date.parse(`${next}-01T00:00:00+08:00`);
		const rows = parsed.shifts.map((s) => ({ ...s, id: `shf-${randomUUID()}`, orgId }));
		await this.deps.repo.replaceShifts(orgId, from, to, rows, actor.userId);
		return rows.length;
	}

	async writeHandover(actor: Actor, orgId: string, input: Required<HandoverInput>): Promise<Handover> {
		this.assertMayPlan(actor, orgId);
		const row: HandoverRow = {
			id: `hnd-${randomUUID()}`,
			orgId,
			...input,
			writtenAt: this.deps.now(),
			writtenBy: actor.userId,
			confirmedAt: null,
			confirmedBy: null
		};
		await this.deps.repo.addHandover(row);
		return this.#out(row);
	}

	async confirmHandover(actor: Actor, orgId: string, id: string): Promise<Handover> {
		this.assertMayPlan(actor, orgId);
		const r = await this.deps.repo.confirmHandover(orgId, id, actor.userId, this.deps.now());
		if (!r) throw new ApiError(404, 'handover-not-found', `no handover ${id}`);
		if (!r.confirmedNow)
			throw new ApiError(409, 'handover-already-confirmed', 'this handover was confirmed already');
		return this.#out(r.row);
	}

	async handovers(orgId: string): Promise<Handover[]> {
		this.#org(orgId);
		return Promise.all((await this.deps.repo.handovers(orgId, 50)).map((h) => this.#out(h)));
	}

	async #out(h: HandoverRow): Promise<Handover> {
		const name = async (id: string | null) => (id ? ((await this.deps.userName(id)) ?? id) : null);
		return {
			id: h.id,
			orgId: h.orgId,
			outgoingName: h.outgoingName,
			incomingName: h.incomingName,
			openWarnings: h.openWarnings,
			openTasks: h.openTasks,
			watch: h.watch,
			writtenAt: new Date(h.writtenAt).toISOString(),
			writtenBy: h.writtenBy,
			writtenByName: (await name(h.writtenBy))!,
			confirmedAt: h.confirmedAt === null ? null : new Date(h.confirmedAt).toISOString(),
			confirmedBy: h.confirmedBy,
			confirmedByName: await name(h.confirmedBy)
		};
	}
}

function shiftOut(s: ShiftRow): Shift {
	return {
		id: s.id,
		orgId: s.orgId,
		startsAt: new Date(s.startsAt).toISOString(),
		endsAt: new Date(s.endsAt).toISOString(),
		officerName: s.officerName,
		officerPhone: s.officerPhone,
		leaderName: s.leaderName,
		leaderPhone: s.leaderPhone,
		note: s.note
	};
}
