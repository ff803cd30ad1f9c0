/**
 * The server's escalation clock: a target that has not acknowledged by its deadline is escalated
 * (Warnings.escalateTarget). Deadlines are stored with the targets, so nothing lives only in
 * memory: at start, and after every change (`poke`), the timer asks the repository for the
 * earliest open deadline and sleeps until then (at most `maxSleepMs`, so a clock that jumps is
 * caught up). After a restart, deadlines that passed while the server was down fire at once.
 */
import type { Logger } from '../log.ts';
import type { DueTarget } from './warning-repository.ts';

export interface Clock {
	now(): number;
	setTimeout(fn: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	setTimeout: (fn, ms) => {
		const t = setTimeout(fn, ms);
		t.unref();
		return t;
	},
	clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout)
};

export class EscalationTimer {
	#timer: unknown = null;
	#running: Promise<void> | null = null;
	#again = false;
	#stopped = false;

	constructor(
		private readonly deps: {
			clock: Clock;
			nextDeadline(): Promise<number | null>;
			dueTargets(now: number): Promise<DueTarget[]>;
			escalate(t: DueTarget): Promise<boolean>;
			log: Logger;
			maxSleepMs?: number;
		}
	) {}

	/** Runs a pass now (escalates what is due) and sleeps until the next deadline. */
	poke(): Promise<void> {
		if (this.#stopped) return Promise.resolve();
		if (this.#running) {
			this.#again = true;
			return this.#running;
		}
		this.#running = this.#pass().finally(() => {
			this.#running = null;
			if (this.#again) {
				this.#again = false;
				void this.poke();
			}
		});
		return this.#running;
	}

	/** Resolves once no pass is running (for tests and shutdown). */
	async idle(): Promise<void> {
		while (this.#running) await this.#running;
	}

	stop(): void {
		this.#stopped = true;
		if (this.#timer !== null) this.deps.clock.clearTimeout(this.#timer);
		this.#timer = null;
	}

	async #pass(): Promise<void> {
		const { clock, log } = this.deps;
		if (this.#timer !== null) clock.clearTimeout(this.#timer);
		this.#timer = null;
		try {
			for (const due of await this.deps.dueTargets(clock.now())) {
				if (this.#stopped) return;
				if (await this.deps.escalate(due))
					log.info({ warning: due.warningId, org: due.orgId }, 'warning target escalated');
			}
			const next = await this.deps.nextDeadline();
			if (next === null || this.#stopped) return;
			const wait = Math.max(0, Math.min(next - clock.now(), this.deps.maxSleepMs ?? 60_000));
			this.#timer = clock.setTimeout(() => void this.poke(), wait);
		} catch (err) {
			log.error({ err }, 'escalation pass failed; retrying in 5 s');
			if (!this.#stopped) this.#timer = clock.setTimeout(() => void this.poke(), 5_000);
		}
	}
}
