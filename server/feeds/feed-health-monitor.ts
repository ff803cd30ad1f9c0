/**
 * Periodic health checks of the video feeds of open incident rooms. Each check writes
 * `feedHealth[feedId] = { state, checkedAt, detail }` into the incident document through the
 * room's durable pipeline, so every client sees it live and the replay shows it.
 *
 * What gets checked: the feeds of incidents whose room is loaded (someone has it open, or had it
 * open within the idle time), every interval, and once right after a room loads. Rooms nobody
 * looks at cost nothing, and health is fresh whenever someone does look.
 *
 * Log growth: one update per room per check, and only when something changed: a state or detail
 * changed, a feed appeared or disappeared, or a verified state (online/offline) is older than the
 * refresh time, so "last checked" stays honest without a write every minute. With the defaults
 * (60 s checks, 10 min refresh) a room with 20 healthy feeds logs 144 small updates a day.
 */
import { IncidentDoc, ROOTS, type FeedHealthState } from '#domain/incident-doc';
import type { Logger } from '../log.ts';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { Room } from '../rooms/room.ts';
import type { FeedAllowlist } from './allowlist.ts';
import { probeFeed, type ProbeResult } from './playlist-probe.ts';

export interface FeedHealthOptions {
	registry: RoomRegistry;
	/** Ids of the incidents whose feeds are worth checking (the active ones). */
	activeIncidents: () => Promise<readonly string[]>;
	allowlist: FeedAllowlist;
	/** Time between checks of a room. */
	intervalMs: number;
	/** Timeout of one playlist request. */
	timeoutMs: number;
	/** Rewrite an unchanged online/offline state after this long, to refresh checkedAt. */
	refreshMs: number;
	/** Playlist requests in flight at once, across all rooms. */
	concurrency: number;
	log: Logger;
}

export interface FeedCheck extends ProbeResult {
	feedId: string;
	checkedAt: string;
	/** Whether this result was written to the document (false: unchanged, nothing logged). */
	written: boolean;
}

/** Results that come from contacting the feed; the others are decided without a request. */
const VERIFIED: ReadonlySet<string> = new Set(['online', 'offline']);

export class FeedHealthMonitor {
	readonly #opts: FeedHealthOptions;
	readonly #inFlight = new Map<string, Promise<FeedCheck[]>>();
	#timer: NodeJS.Timeout | null = null;
	#stopped = false;
	#active = 0;
	#waiting: Array<() => void> = [];

	constructor(opts: FeedHealthOptions) {
		this.#opts = opts;
	}

	start(): void {
		if (this.#timer || this.#stopped) return;
		this.#timer = setInterval(() => this.#tick(), this.#opts.intervalMs);
		this.#timer.unref();
	}

	/** Stops checking. Checks in flight finish on their own; their writes to closed rooms are dropped. */
	stop(): void {
		this.#stopped = true;
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
	}

	/** Checks a room's feeds soon after it loads, so the first people in see fresh health. */
	hooks(): RoomHooks {
		return {
			name: 'feed-health',
			onLoaded: ({ room }) => {
				// Asked after the load: onLoaded is synchronous and the index is not.
				setTimeout(() => {
					this.#opts
						.activeIncidents()
						.then((active) => (active.includes(room.name) ? this.checkIncident(room.name) : undefined))
						.catch((err: unknown) =>
							this.#opts.log.warn({ room: room.name, err }, 'feed check after load failed')
						);
				}, 0).unref();
			}
		};
	}

	/**
	 * Checks every feed of one loaded incident room now and writes what changed. A second call
	 * while one runs for the same room shares its result. Empty if the room is not loaded.
	 */
	checkIncident(name: string): Promise<FeedCheck[]> {
		const running = this.#inFlight.get(name);
		if (running) return running;
		const room = this.#opts.registry.get(name);
		if (!room || room.state !== 'ready' || this.#stopped) return Promise.resolve([]);
		const p = this.#check(room).finally(() => this.#inFlight.delete(name));
		this.#inFlight.set(name, p);
		return p;
	}

	#tick(): void {
		this.#opts
			.activeIncidents()
			.then((active) => {
				for (const id of active) {
					// Several nodes: the owner of an incident checks its feeds, not every node holding it.
					if (!this.#opts.registry.get(id)?.writable) continue;
					this.checkIncident(id).catch((err: unknown) =>
						this.#opts.log.warn({ room: id, err }, 'feed check failed')
					);
				}
			})
			.catch((err: unknown) => this.#opts.log.warn({ err }, 'feed check: active incidents not listed'));
	}

	async #check(room: Room): Promise<FeedCheck[]> {
		const incident = new IncidentDoc(room.doc);
		const feeds = incident.list<{ url?: unknown }>('feeds');
		const outcomes = await Promise.all(
			feeds.map(async (f) => ({ feedId: f.id, ...(await this.#limited(() => probeFeed(f.url, this.#opts))) }))
		);
		// The cause of an unreachable feed is for the log; the document and the API get the coarse result.
		const results = outcomes.map(({ feedId, state, detail }) => ({ feedId, state, detail }));
		const causes = new Map(outcomes.filter((o) => o.cause).map((o) => [o.feedId, o.cause]));
		if (this.#stopped || room.state !== 'ready') return [];

		const now = new Date();
		const checkedAt = now.toISOString();
		const health = incident.feedHealth;
		const checks: FeedCheck[] = results.map((r) => {
			const before = health.get(r.feedId);
			return { ...r, checkedAt, written: needsWrite(before, r, now.getTime(), this.#opts.refreshMs) };
		});
		const current = new Set(feeds.map((f) => f.id));
		const orphaned = [...health.keys()].filter((id) => !current.has(id));
		const writes = checks.filter((c) => c.written);
		if (writes.length === 0 && orphaned.length === 0) return checks;
		const changed = writes.filter((c) => c.state !== health.get(c.feedId)?.state);

		await room.change((doc) => {
			const feedsNow = doc.getMap(ROOTS.feeds);
			const map = new IncidentDoc(doc).feedHealth;
			for (const c of writes) {
				// The feed may have been deleted while its playlist was being fetched.
				if (feedsNow.has(c.feedId))
					map.set(c.feedId, { state: c.state, checkedAt: c.checkedAt, detail: c.detail });
			}
			for (const id of orphaned) if (!feedsNow.has(id)) map.delete(id);
		});
		if (changed.length > 0) {
			this.#opts.log.info(
				{
					room: room.name,
					feeds: changed.map((c) => {
						const cause = causes.get(c.feedId);
						return `${c.feedId}:${c.state}:${c.detail}${cause ? `:${cause}` : ''}`;
					})
				},
				'feed health changed'
			);
		}
		return checks;
	}

	/** Runs `fn` when fewer than `concurrency` probes are in flight. */
	async #limited<T>(fn: () => Promise<T>): Promise<T> {
		while (this.#active >= this.#opts.concurrency) await new Promise<void>((r) => this.#waiting.push(r));
		this.#active++;
		try {
			return await fn();
		} finally {
			this.#active--;
			this.#waiting.shift()?.();
		}
	}
}

function needsWrite(
	before: FeedHealthState | undefined,
	r: ProbeResult,
	now: number,
	refreshMs: number
): boolean {
	if (!before || before.state !== r.state || before.detail !== r.detail) return true;
	if (!VERIFIED.has(r.state)) return false;
	const last = Date.parse(before.checkedAt);
	return !Number.isFinite(last) || now - last >= refreshMs;
}
