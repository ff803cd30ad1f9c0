/**
 * The situation board's arithmetic: township rows, totals, and the log in reading order.
 * Pure functions so the board, the leaders' screen and the tests agree on every figure.
 */
import type { LogEntry, TownshipFigures } from '$lib/domain/incident-doc';
import { FIGURE_KEYS, type FigureKey } from '$lib/domain/vocabulary';

export type FigureTotals = Record<FigureKey, number>;

export function emptyTotals(): FigureTotals {
	return Object.fromEntries(FIGURE_KEYS.map((k) => [k, 0])) as FigureTotals;
}

/** Sums every township's figures; a figure a township has not reported counts as 0. */
export function figureTotals(rows: Record<string, TownshipFigures>): FigureTotals {
	const totals = emptyTotals();
	for (const row of Object.values(rows)) {
		for (const k of FIGURE_KEYS) {
			const v = row[k];
			if (typeof v === 'number' && Number.isFinite(v)) totals[k] += v;
		}
	}
	return totals;
}

/**
 * The townships shown on the board: the incident's affected townships first (in their order),
 * then any other township that has reported figures.
 */
export function boardTownships(affected: readonly string[], rows: Record<string, TownshipFigures>): string[] {
	const out = [...affected];
	for (const code of Object.keys(rows).sort()) if (!out.includes(code)) out.push(code);
	return out;
}

export type LogItem = LogEntry & { id: string };

/** Newest first; ties broken by id so every client shows the same order. */
export function logNewestFirst(entries: readonly LogItem[]): LogItem[] {
	return [...entries].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

/** Decisions of the consultation (会商决定), listed apart from the running log. */
export function decisions(entries: readonly LogItem[]): LogItem[] {
	return logNewestFirst(entries.filter((e) => e.kind === 'decision'));
}
