/**
 * The task status workflow. Both the UI (which buttons to offer) and the server policy
 * (which status writes to accept) ask this module, so the two can never disagree.
 */
import type { TaskStatus } from './vocabulary.ts';

const FORWARD: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
	new: ['dispatched'],
	dispatched: ['accepted'],
	accepted: ['in_progress'],
	in_progress: ['done'],
	done: [],
	blocked: [],
	cancelled: []
};

const OPEN: ReadonlySet<TaskStatus> = new Set(['new', 'dispatched', 'accepted', 'in_progress', 'blocked']);

export function isOpenStatus(status: TaskStatus): boolean {
	return OPEN.has(status);
}

/** A blocked task resumes where work stands: back to 执行中 (or 已接收 if never started). */
const RESUME_FROM_BLOCKED: readonly TaskStatus[] = ['accepted', 'in_progress'];

export function allowedNextStatuses(from: TaskStatus): readonly TaskStatus[] {
	if (from === 'blocked') return [...RESUME_FROM_BLOCKED, 'cancelled'];
	if (!isOpenStatus(from)) return [];
	return [...FORWARD[from], 'blocked', 'cancelled'];
}

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
	return allowedNextStatuses(from).includes(to);
}

/** 受阻 and 已取消 need a reason, so the commander sees why without asking. */
export function transitionNeedsReason(to: TaskStatus): boolean {
	return to === 'blocked' || to === 'cancelled';
}
