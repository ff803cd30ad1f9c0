/**
 * Whether a row as a client wrote it may be stored: its fields (the register's zod schema), then
 * what only the server knows: the township exists, the owner organisation exists, the position
 * lies in the district, a supply's depot is in the depots register. Each problem is named by its
 * field, so a form and a CSV preview show it where it belongs.
 */
import type { z } from 'zod';
import type { OrgDirectory } from '#domain/actor';
import type { RegisterRefusalCode } from '#domain/api/registers';
import { inBox, registerRowInputSchema, type RegisterName, type RegisterRowInput } from '#domain/registers';
import type { RegisterRepository } from './repository.ts';

export interface RowProblem {
	field: string;
	problem: RegisterRefusalCode | string;
}

export interface RowCheckContext {
	repo: RegisterRepository;
	orgs: OrgDirectory;
	townships: ReadonlyArray<{ code: string; name: string }>;
	/** [minLon, minLat, maxLon, maxLat] of the district (with the jurisdiction's margin). */
	bbox: readonly [number, number, number, number];
}

export type RowCheck = { ok: true; input: RegisterRowInput } | { ok: false; problems: RowProblem[] };

export async function checkRow(
	ctx: RowCheckContext,
	register: RegisterName,
	raw: unknown
): Promise<RowCheck> {
	const value = resolveTownshipName(ctx, raw);
	const parsed = registerRowInputSchema(register).safeParse(value);
	if (!parsed.success) {
		return {
			ok: false,
			problems: parsed.error.issues.map((i) => ({
				field: i.path.map(String).join('.'),
				problem: problemOf(i)
			}))
		};
	}
	const input = parsed.data as RegisterRowInput;
	const problems: RowProblem[] = [];
	if (input.township !== null && !ctx.townships.some((t) => t.code === input.township))
		problems.push({ field: 'township', problem: 'unknown-township' });
	if (input.ownerOrgId !== null && !ctx.orgs.get(input.ownerOrgId))
		problems.push({ field: 'ownerOrgId', problem: 'unknown-organisation' });
	if ((input.lon === null) !== (input.lat === null))
		problems.push({ field: input.lon === null ? 'lon' : 'lat', problem: 'missing-field' });
	else if (input.lon !== null && input.lat !== null && !inBox(input.lon, input.lat, ctx.bbox))
		problems.push({ field: 'lon', problem: 'outside-district' });
	if (register === 'supplies') {
		const depot = String(input.data.depot);
		if ((await ctx.repo.byCodes('depots', [depot])).length === 0)
			problems.push({ field: 'data.depot', problem: 'unknown-depot' });
	}
	return problems.length ? { ok: false, problems } : { ok: true, input };
}

function problemOf(i: z.core.$ZodIssue): string {
	if (i.message.startsWith('feed-url:')) return i.message;
	if (i.path[0] === 'township') return 'unknown-township';
	return i.code === 'invalid_type' && i.input === undefined ? 'missing-field' : 'bad-value';
}

/** A township given by its name (沙河镇), as offices write it, becomes its code. */
function resolveTownshipName(ctx: RowCheckContext, raw: unknown): unknown {
	if (typeof raw !== 'object' || raw === null) return raw;
	const t = (raw as { township?: unknown }).township;
	if (typeof t !== 'string' || /^\d{9}$/.test(t)) return raw;
	const byName = ctx.townships.find((x) => x.name === t.trim());
	return byName ? { ...raw, township: byName.code } : raw;
}
