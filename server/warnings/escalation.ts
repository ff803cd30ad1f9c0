/**
 * The server's escalation clock: a target that has not acknowledged by its deadline is escalated
 * (Warnings.escalateTarget). Deadlines are stored with the targets, so nothing lives only in
 * memory: at start, and after every change (`poke`), the timer asks the repository for the
 * earliest open deadline and sleeps until then (at most `maxSleepMs`, so a clock that jumps is
 * caught up). After a restart, deadlines that passed while the server was down fire at once.
 */
import type { Logger } from '../log.ts';
import { DeadlineLoop } from './deadline-loop.ts';
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
	readonly #loop: DeadlineLoop;

	constructor(
		private readonly deps: {
			clock: Clock;
			nextDeadline(): Promise<number | null>;
			dueTargets(now: number): Promise<DueTarget[]>;
			escalate(t: DueTarget): Promise<boolean>;
			log: Logger;
			maxSleepMs?: number;
		}
	) {
		this.#loop = new DeadlineLoop(
			{ pass: (now, stopped) => this.#pass(now, stopped) },
			{
				clock: deps.clock,
				log: deps.log,
				what: 'escalation',
				...(deps.maxSleepMs ? { maxSleepMs: deps.maxSleepMs } : {})
			}
		);
	}

	/** Runs a pass now (escalates what is due) and sleeps until the next deadline. */
	poke(): Promise<void> {
		return this.#loop.poke();
	}

	/** Resolves once no pass is running (for tests and shutdown). */
	idle(): Promise<void> {
		return this.#loop.idle();
	}

	stop(): void {
		this.#loop.stop();
	}

	async #pass(now: number, stopped: () => boolean): Promise<number | null> {
		for (const due of await this.deps.dueTargets(now)) {
			if (stopped()) return null;
			if (await this.deps.escalate(due))
				this.deps.log.info({ warning: due.warningId, org: due.orgId }, 'warning target escalated');
		}
		return this.deps.nextDeadline();
	}
}
