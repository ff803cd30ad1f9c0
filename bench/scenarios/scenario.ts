/**
 * What a benchmark scenario is: a measurement made the same way against each server under
 * test, producing named figures, some of which carry a goal from the issue.
 */
import type { ClientPool } from '../client-pool.ts';
import type { StopRecording } from '../perf-record.ts';
import type { ServerUnderTest, TargetId } from '../servers.ts';

/**
 * A goal on one figure, judged on ours/reference or on our figure alone. `against` names the
 * reference: the in-memory stock server (default) or the same with its durable store.
 */
export type Goal =
	| { kind: 'ratio-at-most'; ratio: number; against?: 'reference' | 'durable' }
	/** Our figure (the worst of the runs) must be zero. */
	| { kind: 'zero' }
	/** Our figure itself (not the ratio) at least this much. */
	| { kind: 'at-least'; value: number };

export interface MetricSpec {
	key: string;
	label: string;
	/** Decimal places when printed. */
	digits: number;
	goal?: Goal;
	/** How runs are combined: the median, or the worst (highest) run for counts of failures. */
	combine?: 'median' | 'max';
}

/** One run's figures, by metric key. NaN when a figure could not be measured. */
export type Measures = Record<string, number>;

export interface ScenarioContext {
	server: ServerUnderTest;
	pool: ClientPool;
	/** Progress lines for the person watching. */
	log(message: string): void;
	/**
	 * With `--perf`: starts recording the server's samples; the scenario calls it just before its
	 * measured window and the returned function right after. Absent otherwise.
	 */
	recordWindow?: () => Promise<StopRecording>;
}

export interface Scenario {
	/** Short id used by `--only` and in the JSON results. */
	id: string;
	title: string;
	/** What is driven, in one line. */
	detail: string;
	/** How this scenario differs between the servers, if it does. */
	note?: string;
	/** Client processes the scenario wants. */
	clientProcesses: number;
	/** The servers it is run against (default all); a scenario that ignores some leaves them out. */
	targets?: readonly TargetId[];
	metrics: readonly MetricSpec[];
	run(ctx: ScenarioContext): Promise<Measures>;
}
