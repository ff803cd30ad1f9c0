/**
 * The warnings service: issue, update (续发), cancel (解除), acknowledge (签收), call records
 * (叫应记录) and the board, with the server's rules (./rules.ts) and named refusals. Every change
 * is stored first, then published to whoever may see it (./events.ts), and the escalation timer
 * (./escalation.ts) is told a deadline may have moved.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '#domain/actor';
import { ApiError } from '#domain/api/errors';
import type { Jurisdiction } from '#domain/api/jurisdiction';
import {
	CancelWarningRequestSchema,
	IssueWarningRequestSchema,
	UpdateWarningRequestSchema,
	type WarningArea,
	type WarningDetail,
	type WarningSummary,
	type WarningVersion
} from '#domain/api/warnings';
import {
	ackLimitKey,
	type AckLimitKey,
	type WarningEvent as EventCode,
	type WarningStatus
} from '#domain/warnings';
import type { z } from 'zod';
import type { DutyRepository } from '../duty/duty-repository.ts';
import type { OrganisationDirectory } from '../identity/organisations.ts';
import { capXml } from './cap.ts';
import { mirrorNote, type MirrorStep, type WarningMirrorNote } from './mirror-notes.ts';
import type { AttemptResult, WebhookEvent } from './webhooks.ts';
import type { DispatchRow } from './warning-repository.ts';
import type { WarningEvents } from './events.ts';
import { assertIssuerStaff, assertMayIssue, inCommandCentre, mayRead, type WarningFields } from './rules.ts';
import { beijingStamp } from './time.ts';
import type {
	StoredWarning,
	StoredWarningRecord,
	VersionRow,
	WarningRepository
} from './warning-repository.ts';

export interface WarningsConfig {
	/** Seconds to acknowledge, by level (and `order`). */
	ackLimitsS: Readonly<Record<AckLimitKey, number>>;
	fields: WarningFields;
	/** GB/T 4657-style 3-digit agency codes by organisation id (default 000). */
	agencyCodes: ReadonlyMap<string, string>;
}

export interface WarningsDeps {
	repo: WarningRepository;
	duty: DutyRepository;
	orgs: OrganisationDirectory;
	userName(id: string): Promise<string | undefined>;
	incidentExists(id: string): Promise<boolean>;
	jurisdiction: Jurisdiction;
	events: WarningEvents;
	config: WarningsConfig;
	now(): number;
	/** Called after every change that may move the next deadline. */
	deadlinesChanged(): void;
	/** Labels of event codes (Chinese, for CAP). */
	eventLabel(event: EventCode): string;
	/**
	 * Writes a step of a warning that belongs to an incident into that incident's room (its log
	 * and its read-only warnings list); awaited, and a failure is logged, never the caller's.
	 */
	mirror?(note: WarningMirrorNote): Promise<void>;
	/** Where a failed mirror write is reported. */
	onSideEffectError?(err: unknown, what: string): void;
	/** Hands a step to the outbound webhooks (./webhooks.ts): stores one outbox row per hook. */
	handOff?(event: WebhookEvent, warningId: string, orgId: string, payload: object): Promise<number>;
}

/** The author of what the server records itself (webhook attempts). */
export const SERVER_RECORDER = 'sitroom-server';

const ACKNOWLEDGING_ROLES = new Set(['commander', 'agency', 'township', 'field']);

export class Warnings {
	readonly #d: WarningsDeps;
	readonly #townships: Map<string, string>;
	readonly #villages: Map<string, string>;

	constructor(deps: WarningsDeps) {
		this.#d = deps;
		this.#townships = new Map(deps.jurisdiction.townships.map((t) => [t.code, t.name]));
		this.#villages = new Map(
			deps.jurisdiction.townships.flatMap((t) => t.villages.map((v) => [v.code, v.name]))
		);
	}

	/** The GB/T 35965.1 sender code of an organisation: district, agency, internal, extension. */
	senderCode(orgId: string): string {
		return `${this.#d.jurisdiction.district.code}${this.#d.config.agencyCodes.get(orgId) ?? '000'}00000`;
	}

	async #identifier(issuerOrgId: string, at: number): Promise<string> {
		const code = this.senderCode(issuerOrgId);
		const stamp = beijingStamp(at);
		const n = await this.#d.repo.nextSerial(`${code}:${stamp.slice(0, 8)}`);
		return `${code}_${stamp}_${n}`;
	}

	#checkArea(area: WarningArea, targetTownships: string[]): WarningArea {
		for (const code of area.townships)
			if (!this.#townships.has(code))
				throw new ApiError(400, 'unknown-area', `no township ${code} in this jurisdiction`);
		for (const code of area.villages)
			if (!this.#villages.has(code))
				throw new ApiError(400, 'unknown-area', `no village ${code} in this jurisdiction`);
		const p = area.polygon;
		if (p && (p[0]![0] !== p.at(-1)![0] || p[0]![1] !== p.at(-1)![1]))
			throw new ApiError(400, 'bad-polygon', 'a polygon is closed: its last point repeats its first');
		if (!area.townships.length && !area.villages.length && !p)
			return { ...area, townships: [...new Set(targetTownships)] };
		return area;
	}

	#checkTimes(
		now: number,
		effective: string | undefined,
		expires: string
	): { effective: number; expires: number } {
		const eff = effective ? Date.parse(effective) : now;
		const exp = Date.parse(expires);
		if (exp <= now) throw new ApiError(400, 'expiry-in-past', 'the expiry time has passed already');
		if (exp <= eff)
			throw new ApiError(400, 'expiry-before-effective', 'a warning expires after it takes effect');
		return { effective: eff, expires: exp };
	}

	#checkLevel(kind: 'warning' | 'order', level: string | null): void {
		if (kind === 'warning' && !level)
			throw new ApiError(400, 'level-required', 'a warning has a colour level (红/橙/黄/蓝)');
	}

	async issue(actor: Actor, input: z.infer<typeof IssueWarningRequestSchema>): Promise<StoredWarning> {
		const d = this.#d;
		assertMayIssue(actor, input.event, d.config.fields);
		this.#checkLevel(input.kind, input.level);
		const targets = [...new Set(input.targets)];
		const townships: string[] = [];
		for (const id of targets) {
			const org = d.orgs.get(id);
			if (!org) throw new ApiError(400, 'unknown-target', `no active organisation ${id}`);
			if (org.kind === 'village' || org.kind === 'command_centre')
				throw new ApiError(400, 'unknown-target', `${org.name} does not receive warnings`);
			if (org.township) townships.push(org.township);
		}
		if (input.incidentId && !(await d.incidentExists(input.incidentId)))
			throw new ApiError(400, 'unknown-incident', `no incident ${input.incidentId}`);
		const now = d.now();
		const times = this.#checkTimes(now, input.effective, input.expires);
		const area = this.#checkArea(input.area, townships);
		const id = `wrn-${randomUUID()}`;
		const limitMs = d.config.ackLimitsS[ackLimitKey(input.kind, input.level)] * 1000;
		const first: VersionRow = {
			warningId: id,
			version: 1,
			msgType: 'issue',
			identifier: await this.#identifier(actor.orgId, now),
			sentAt: now,
			byUserId: actor.userId,
			title: input.title,
			event: input.event,
			level: input.kind === 'order' ? input.level : input.level,
			urgency: input.urgency,
			certainty: input.certainty,
			instruction: input.instruction,
			area,
			...times,
			reason: null
		};
		await d.repo.create(
			{ id, kind: input.kind, issuerOrgId: actor.orgId, incidentId: input.incidentId, createdAt: now },
			first,
			targets.map((orgId) => ({ warningId: id, orgId, reachedAt: now, deadlineAt: now + limitMs }))
		);
		const stored = (await d.repo.get(id))!;
		this.#publish('issued', stored, null);
		d.deadlinesChanged();
		await this.#handOff('issued', stored, stored.issuerOrgId);
		await this.#mirror(stored, actor, {
			type: 'issued',
			byName: await this.#nameOf(actor.userId),
			targetNames: targets.map((t) => d.orgs.nameOf(t) ?? t),
			limitMin: Math.round(limitMs / 6000) / 10
		});
		return stored;
	}

	async #forIssuer(actor: Actor, id: string): Promise<StoredWarning> {
		const w = await this.#d.repo.get(id);
		if (!w || !mayRead(actor, this.#d.orgs, w))
			throw new ApiError(404, 'warning-not-found', `no warning ${id}`);
		assertIssuerStaff(actor, w.issuerOrgId);
		if (w.status === 'cancelled') throw new ApiError(409, 'warning-cancelled', 'this warning was cancelled');
		return w;
	}

	async #addVersion(actor: Actor, w: StoredWarning, v: VersionRow): Promise<StoredWarning> {
		const r = await this.#d.repo.addVersion(v);
		if (!r.ok) {
			if (r.reason === 'warning-cancelled')
				throw new ApiError(409, 'warning-cancelled', 'this warning was cancelled');
			if (r.reason === 'version-conflict')
				throw new ApiError(409, 'version-conflict', 'another version was saved first; reload and try again');
			throw new ApiError(404, 'warning-not-found', `no warning ${w.id}`);
		}
		const stored = (await this.#d.repo.get(w.id))!;
		this.#publish(v.msgType === 'cancel' ? 'cancelled' : 'updated', stored, null);
		this.#d.deadlinesChanged();
		await this.#handOff(v.msgType === 'cancel' ? 'cancelled' : 'updated', stored, stored.issuerOrgId);
		const byName = await this.#nameOf(actor.userId);
		await this.#mirror(
			stored,
			actor,
			v.msgType === 'cancel'
				? { type: 'cancelled', byName, reason: v.reason ?? '' }
				: { type: 'updated', byName, targetNames: [], limitMin: 0 }
		);
		return stored;
	}

	async update(
		actor: Actor,
		id: string,
		input: z.infer<typeof UpdateWarningRequestSchema>
	): Promise<StoredWarning> {
		const w = await this.#forIssuer(actor, id);
		assertMayIssue(actor, input.event, this.#d.config.fields);
		this.#checkLevel(w.kind, input.level);
		const now = this.#d.now();
		const times = this.#checkTimes(now, input.effective, input.expires);
		const townships = w.targets.map((t) => this.#d.orgs.get(t.orgId)?.township).filter((t) => t != null);
		const current = w.versions.at(-1)!;
		return this.#addVersion(actor, w, {
			warningId: id,
			version: current.version + 1,
			msgType: 'update',
			identifier: await this.#identifier(w.issuerOrgId, now),
			sentAt: now,
			byUserId: actor.userId,
			title: input.title,
			event: input.event,
			level: input.level,
			urgency: input.urgency,
			certainty: input.certainty,
			instruction: input.instruction,
			area: this.#checkArea(input.area, townships),
			...times,
			reason: null
		});
	}

	async cancel(
		actor: Actor,
		id: string,
		input: z.infer<typeof CancelWarningRequestSchema>
	): Promise<StoredWarning> {
		const w = await this.#forIssuer(actor, id);
		const now = this.#d.now();
		const current = w.versions.at(-1)!;
		return this.#addVersion(actor, w, {
			...current,
			version: current.version + 1,
			msgType: 'cancel',
			identifier: await this.#identifier(w.issuerOrgId, now),
			sentAt: now,
			byUserId: actor.userId,
			reason: input.reason
		});
	}

	async acknowledge(
		actor: Actor,
		id: string,
		opts: { deviceAt?: string; orgId?: string }
	): Promise<StoredWarning> {
		const d = this.#d;
		const w = await d.repo.get(id);
		if (!w) throw new ApiError(404, 'warning-not-found', `no warning ${id}`);
		const orgId = opts.orgId ?? actor.orgId;
		if (
			orgId !== actor.orgId ||
			!ACKNOWLEDGING_ROLES.has(actor.role) ||
			!w.targets.some((t) => t.orgId === orgId)
		)
			throw new ApiError(403, 'not-a-target', 'only the staff of a target organisation acknowledge it');
		const now = d.now();
		let deviceAt: number | null = null;
		if (opts.deviceAt) {
			deviceAt = Date.parse(opts.deviceAt);
			// A device clock ahead of the server's is not believed past the server's own time.
			if (deviceAt > now + 5 * 60_000)
				throw new ApiError(
					400,
					'device-time-in-future',
					'the device time is ahead of the server by more than 5 minutes'
				);
		}
		const r = await d.repo.acknowledge({
			warningId: id,
			orgId,
			userId: actor.userId,
			deviceAt,
			serverAt: now,
			version: w.versions.at(-1)!.version
		});
		if (!r.ok) {
			if (r.reason === 'already-acknowledged') {
				const by = (await d.userName(r.first.userId)) ?? r.first.userId;
				throw new ApiError(
					409,
					'already-acknowledged',
					`${d.orgs.nameOf(orgId) ?? orgId} acknowledged it already (${by}, ${new Date(r.first.serverAt).toISOString()})`
				);
			}
			if (r.reason === 'warning-cancelled')
				throw new ApiError(409, 'warning-cancelled', 'this warning was cancelled');
			if (r.reason === 'not-a-target')
				throw new ApiError(403, 'not-a-target', 'only the staff of a target organisation acknowledge it');
			throw new ApiError(404, 'warning-not-found', `no warning ${id}`);
		}
		const stored = (await d.repo.get(id))!;
		this.#publish('acknowledged', stored, orgId);
		d.deadlinesChanged();
		const target = stored.targets.find((t) => t.orgId === orgId)!;
		await this.#mirror(stored, actor, {
			type: 'acknowledged',
			byName: await this.#nameOf(actor.userId),
			orgName: d.orgs.nameOf(orgId) ?? orgId,
			tookMs: now - target.reachedAt,
			deviceAt
		});
		return stored;
	}

	async recordCall(
		actor: Actor,
		id: string,
		c: {
			orgId: string;
			direction: 'outgoing' | 'incoming';
			caller: string;
			callee: string;
			phone: string;
			at: string;
			answered: boolean;
			note: string;
		}
	): Promise<void> {
		const d = this.#d;
		const w = await d.repo.get(id);
		if (!w || !mayRead(actor, d.orgs, w)) throw new ApiError(404, 'warning-not-found', `no warning ${id}`);
		if (!w.targets.some((t) => t.orgId === c.orgId))
			throw new ApiError(400, 'not-a-target', `${c.orgId} is not a target of this warning`);
		const mayRecord =
			ACKNOWLEDGING_ROLES.has(actor.role) &&
			(actor.orgId === c.orgId || actor.orgId === w.issuerOrgId || inCommandCentre(actor, d.orgs));
		if (!mayRecord)
			throw new ApiError(
				403,
				'may-not-record-call',
				"the target's, the issuer's or the command centre's staff record calls"
			);
		const at = Date.parse(c.at);
		if (at > d.now() + 5 * 60_000)
			throw new ApiError(400, 'call-in-future', 'a call is recorded after it happened');
		await d.repo.addCall({ warningId: id, ...c, at, recordedBy: actor.userId, recordedAt: d.now() });
		this.#publish('call', w, c.orgId);
		await this.#mirror(w, actor, {
			type: 'call',
			orgName: d.orgs.nameOf(c.orgId) ?? c.orgId,
			caller: c.caller,
			callee: c.callee,
			phone: c.phone,
			answered: c.answered,
			at
		});
	}

	async read(actor: Actor, id: string): Promise<StoredWarningRecord> {
		const r = await this.#d.repo.record(id);
		if (!r || !mayRead(actor, this.#d.orgs, r))
			throw new ApiError(404, 'warning-not-found', `no warning ${id}`);
		return r;
	}

	async list(
		actor: Actor,
		q: { status: WarningStatus | 'all'; target?: string; unacknowledged?: string }
	): Promise<StoredWarning[]> {
		const now = this.#d.now();
		const stored = await this.#d.repo.list({
			status: q.status === 'lifted' ? 'cancelled' : q.status === 'all' ? undefined : 'active',
			target: q.unacknowledged ? actor.orgId : q.target
		});
		return stored.filter((w) => {
			if (!mayRead(actor, this.#d.orgs, w)) return false;
			const status = this.statusOf(w, now);
			if (q.status !== 'all' && status !== q.status) return false;
			if (q.unacknowledged) return w.targets.some((t) => t.orgId === actor.orgId && !t.ack);
			return true;
		});
	}

	/** 生效中, 已解除 (cancelled), 已过期. */
	statusOf(w: StoredWarning, now = this.#d.now()): WarningStatus {
		if (w.status === 'cancelled') return 'lifted';
		return w.versions.at(-1)!.expires <= now ? 'expired' : 'active';
	}

	capOf(w: StoredWarning, version: number, signedBy: string): string | undefined {
		const v = w.versions.find((x) => x.version === version);
		if (!v) return undefined;
		return capXml(v, {
			kind: w.kind,
			senderCode: this.senderCode(w.issuerOrgId),
			issuerName: this.#d.orgs.nameOf(w.issuerOrgId) ?? w.issuerOrgId,
			signedBy,
			incidentId: w.incidentId,
			first: w.versions[0]!,
			eventLabel: this.#d.eventLabel,
			townshipName: (c) => this.#townships.get(c) ?? c,
			villageName: (c) => this.#villages.get(c) ?? c
		});
	}

	async #versionOut(v: VersionRow): Promise<WarningVersion> {
		return {
			version: v.version,
			msgType: v.msgType,
			identifier: v.identifier,
			sentAt: new Date(v.sentAt).toISOString(),
			byUserId: v.byUserId,
			byName: (await this.#d.userName(v.byUserId)) ?? v.byUserId,
			title: v.title,
			event: v.event,
			level: v.level,
			urgency: v.urgency,
			certainty: v.certainty,
			instruction: v.instruction,
			area: v.area,
			effective: new Date(v.effective).toISOString(),
			expires: new Date(v.expires).toISOString(),
			reason: v.reason
		};
	}

	async summary(w: StoredWarning): Promise<WarningSummary> {
		return {
			id: w.id,
			kind: w.kind,
			status: this.statusOf(w),
			issuerOrgId: w.issuerOrgId,
			issuerOrgName: this.#d.orgs.nameOf(w.issuerOrgId) ?? w.issuerOrgId,
			incidentId: w.incidentId,
			current: await this.#versionOut(w.versions.at(-1)!),
			targetCount: w.targets.length,
			acknowledgedCount: w.targets.filter((t) => t.ack).length,
			escalatedCount: w.targets.filter((t) => t.escalatedAt !== null).length
		};
	}

	async detail(r: StoredWarningRecord): Promise<WarningDetail> {
		const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
		const lastEscalation = new Map(r.escalations.map((e) => [e.orgId, e]));
		return {
			...(await this.summary(r)),
			versions: await Promise.all(r.versions.map((v) => this.#versionOut(v))),
			targets: await Promise.all(
				r.targets.map(async (t) => {
					const e = lastEscalation.get(t.orgId);
					return {
						orgId: t.orgId,
						orgName: this.#d.orgs.nameOf(t.orgId) ?? t.orgId,
						reachedAt: new Date(t.reachedAt).toISOString(),
						deadlineAt: new Date(t.deadlineAt).toISOString(),
						acknowledgedAt: iso(t.ack?.serverAt ?? null),
						acknowledgedBy: t.ack?.userId ?? null,
						acknowledgedByName: t.ack ? ((await this.#d.userName(t.ack.userId)) ?? t.ack.userId) : null,
						acknowledgedDeviceAt: iso(t.ack?.deviceAt ?? null),
						escalatedAt: iso(t.escalatedAt),
						escalatedTo: e?.leaderName ? `${e.leaderName} ${e.leaderPhone ?? ''}`.trim() : null
					};
				})
			),
			calls: await Promise.all(
				r.calls.map(async (c) => ({
					id: c.id,
					orgId: c.orgId,
					direction: c.direction,
					caller: c.caller,
					callee: c.callee,
					phone: c.phone,
					at: new Date(c.at).toISOString(),
					answered: c.answered,
					note: c.note,
					recordedBy: (await this.#d.userName(c.recordedBy)) ?? c.recordedBy,
					recordedAt: new Date(c.recordedAt).toISOString()
				}))
			),
			escalations: r.escalations.map((e) => ({
				id: e.id,
				orgId: e.orgId,
				at: new Date(e.at).toISOString(),
				leaderName: e.leaderName,
				leaderPhone: e.leaderPhone
			}))
		};
	}

	/** Escalates one target that missed its deadline: names its leader on duty, records, notifies. */
	async escalateTarget(warningId: string, orgId: string): Promise<boolean> {
		const d = this.#d;
		const now = d.now();
		const shift = await d.duty.onDutyAt(orgId, now);
		const e = await d.repo.escalate({
			warningId,
			orgId,
			at: now,
			leaderName: shift?.leaderName ?? null,
			leaderPhone: shift?.leaderPhone ?? null
		});
		if (!e) return false;
		const w = await d.repo.get(warningId);
		if (w) {
			this.#publish('escalated', w, orgId);
			await this.#handOff('escalated', w, orgId, {
				orgId,
				at: new Date(e.at).toISOString(),
				leaderName: e.leaderName,
				leaderPhone: e.leaderPhone
			});
			await this.#mirror(w, null, {
				type: 'escalated',
				orgName: d.orgs.nameOf(orgId) ?? orgId,
				leaderName: e.leaderName,
				leaderPhone: e.leaderPhone
			});
		}
		return true;
	}

	/**
	 * Hands a step to the outbound webhooks: the warning's current version, and whom to reach:
	 * every target with its duty officer and leader on duty now (an escalation: the target that
	 * missed its limit, with the leader named). Never fails the step; a failure is logged.
	 */
	async #handOff(
		event: WebhookEvent,
		w: StoredWarning,
		orgId: string,
		escalation?: { orgId: string; at: string; leaderName: string | null; leaderPhone: string | null }
	): Promise<void> {
		const d = this.#d;
		if (!d.handOff) return;
		try {
			const v = await this.#versionOut(w.versions.at(-1)!);
			const now = d.now();
			const targets = escalation ? w.targets.filter((t) => t.orgId === escalation.orgId) : w.targets;
			const recipients = await Promise.all(
				targets.map(async (t) => {
					const shift = await d.duty.onDutyAt(t.orgId, now);
					return {
						orgId: t.orgId,
						orgName: d.orgs.nameOf(t.orgId) ?? t.orgId,
						acknowledged: t.ack !== null,
						onDuty: shift
							? {
									officerName: shift.officerName,
									officerPhone: shift.officerPhone,
									leaderName: shift.leaderName,
									leaderPhone: shift.leaderPhone
								}
							: null
					};
				})
			);
			await d.handOff(event, w.id, orgId, {
				warning: {
					id: w.id,
					kind: w.kind,
					status: this.statusOf(w, now),
					issuerOrgId: w.issuerOrgId,
					issuerOrgName: d.orgs.nameOf(w.issuerOrgId) ?? w.issuerOrgId,
					incidentId: w.incidentId,
					cap: `/api/warnings/${encodeURIComponent(w.id)}/cap?version=${v.version}`,
					...v
				},
				recipients,
				...(escalation ? { escalation } : {})
			});
		} catch (err) {
			d.onSideEffectError?.(err, `handing warning ${w.id} (${event}) to the webhooks`);
		}
	}

	/** One webhook attempt, as a call record of the warning (叫应记录), published like a call. */
	async recordDispatchAttempt(row: DispatchRow, attempt: number, r: AttemptResult): Promise<void> {
		const d = this.#d;
		const now = d.now();
		const orgId = row.orgId ?? (await d.repo.get(row.warningId))?.issuerOrgId ?? '';
		await d.repo.addCall({
			warningId: row.warningId,
			orgId,
			direction: 'outgoing',
			caller: 'Sitroom',
			callee: `webhook:${row.hook}`,
			phone: '',
			at: now,
			answered: r.ok,
			note: `${row.event} · attempt ${attempt} · ${r.detail} · ${r.ms} ms`,
			recordedBy: SERVER_RECORDER,
			recordedAt: now
		});
		const w = await d.repo.get(row.warningId);
		if (w) this.#publish('call', w, orgId);
	}

	async #nameOf(userId: string): Promise<string> {
		return (await this.#d.userName(userId)) ?? userId;
	}

	/** Tells the linked incident's room (if any) of a step; never fails the step itself. */
	async #mirror(w: StoredWarning, actor: Actor | null, step: MirrorStep): Promise<void> {
		const d = this.#d;
		if (!d.mirror || !w.incidentId) return;
		const note = mirrorNote(w, {
			issuerName: d.orgs.nameOf(w.issuerOrgId) ?? w.issuerOrgId,
			step,
			by: actor && { userId: actor.userId, orgId: actor.orgId },
			now: d.now(),
			status: this.statusOf(w)
		});
		if (!note) return;
		try {
			await d.mirror(note);
		} catch (err) {
			d.onSideEffectError?.(err, `mirroring warning ${w.id} into incident ${w.incidentId}`);
		}
	}

	#publish(
		type: 'issued' | 'updated' | 'cancelled' | 'acknowledged' | 'escalated' | 'call',
		w: StoredWarning,
		orgId: string | null
	): void {
		this.#d.events.publish(
			{ type, warningId: w.id, orgId },
			{ issuerOrgId: w.issuerOrgId, targetOrgIds: w.targets.map((t) => t.orgId) }
		);
	}
}
