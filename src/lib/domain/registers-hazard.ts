/**
 * A hazard point's rectification loop (隐患整改闭环): 登记 → 整改中 → 待验收 → 已销号, with a
 * rejected acceptance going back to 整改中. Each step says who took it, when, and its evidence
 * (a note; a photo once photos exist); a step may set the date the next one is due, and a hazard
 * whose next step is past that date is overdue.
 */
export const HAZARD_STATUSES = ['registered', 'rectifying', 'awaiting_acceptance', 'closed'] as const;
export type HazardStatus = (typeof HAZARD_STATUSES)[number];

/** The steps that may follow each status. */
export const HAZARD_TRANSITIONS: Readonly<Record<HazardStatus, readonly HazardStatus[]>> = {
	registered: ['rectifying'],
	rectifying: ['awaiting_acceptance'],
	awaiting_acceptance: ['closed', 'rectifying'],
	closed: []
};

export type HazardStepProblem =
	'invalid-hazard-transition' | 'hazard-evidence-required' | 'hazard-due-required';

export interface HazardStepRequest {
	to: HazardStatus;
	note: string;
	/** ISO date the next step is due (required when rectification starts). */
	dueAt: string | null;
}

/** Null when `from → to` is a step of the loop with what it needs, otherwise why not. */
export function hazardStepProblem(from: HazardStatus, step: HazardStepRequest): HazardStepProblem | null {
	if (!HAZARD_TRANSITIONS[from].includes(step.to)) return 'invalid-hazard-transition';
	// Rectification gets a deadline; submitting, accepting and rejecting need evidence.
	if (from === 'registered') return step.dueAt ? null : 'hazard-due-required';
	return step.note.trim() === '' ? 'hazard-evidence-required' : null;
}

export function isOverdue(status: HazardStatus, dueAt: string | null, now: number): boolean {
	return status !== 'closed' && dueAt !== null && Date.parse(dueAt) < now;
}
