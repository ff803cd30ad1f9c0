/**
 * Reads a jurisdiction's organisation seed: `organisations.json` (fixed organisations, the
 * patterns for township platforms, their teams and villages, and demo accounts) plus the
 * divisions file it names (townships and villages with their official codes). Another county
 * runs the same code with its own directory (JURISDICTION_DIR).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { OrgInfo } from '#domain/actor';
import { ORG_KINDS, ROLES, type Role } from '#domain/vocabulary';

const idPattern = z.string().regex(/^[A-Za-z0-9{}_.-]{1,80}$/);
const template = z.object({ id: idPattern, name: z.string().min(1).max(100) });

const seedSchema = z.object({
	divisions: z.string().min(1),
	organisations: z.array(
		z.object({
			id: idPattern,
			name: z.string().min(1).max(100),
			kind: z.enum(ORG_KINDS),
			parent: idPattern.nullable(),
			township: z.string().nullable().optional()
		})
	),
	townships: z.object({
		parent: idPattern.nullable(),
		platform: template,
		teams: z.array(template),
		villages: template.extend({ stripSuffixes: z.array(z.string()).default([]) })
	}),
	demoAccounts: z
		.array(
			z.object({
				username: z.string().min(1),
				displayName: z.string().min(1),
				role: z.enum(ROLES),
				org: z.string().min(1)
			})
		)
		.default([])
});

const divisionsSchema = z.object({
	district: z.object({ code: z.string(), name: z.string() }),
	townships: z.array(
		z.object({
			code: z.string(),
			name: z.string(),
			villages: z.array(z.object({ code: z.string(), name: z.string() })).default([])
		})
	)
});

/** One organisation row as seeded: the directory's OrgInfo plus its official code and order. */
export interface SeedOrg extends OrgInfo {
	code: string | null;
	sort: number;
}

export interface DemoAccount {
	username: string;
	displayName: string;
	role: Role;
	orgId: string;
}

export interface JurisdictionSeed {
	district: { code: string; name: string };
	organisations: SeedOrg[];
	demoAccounts: DemoAccount[];
}

export class SeedError extends Error {
	override readonly name = 'SeedError';
}

function readJson(file: string): unknown {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
	} catch (err) {
		throw new SeedError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
	}
}

function parse<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
	const r = schema.safeParse(value);
	if (!r.success) {
		const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new SeedError(`${file} is invalid:\n${lines.join('\n')}`);
	}
	return r.data;
}

const fill = (pattern: string, vars: { code: string; name: string }): string =>
	pattern.replaceAll('{code}', vars.code).replaceAll('{name}', vars.name);

export function readJurisdictionSeed(dir: string): JurisdictionSeed {
	const seedFile = path.join(dir, 'organisations.json');
	const seed = parse(seedSchema, readJson(seedFile), seedFile);
	const divisionsFile = path.join(dir, seed.divisions);
	const divisions = parse(divisionsSchema, readJson(divisionsFile), divisionsFile);

	const orgs: SeedOrg[] = [];
	const byId = new Map<string, SeedOrg>();
	const add = (o: SeedOrg): void => {
		if (byId.has(o.id)) throw new SeedError(`${seedFile}: organisation id "${o.id}" is used twice`);
		if (o.parentId !== null && !byId.has(o.parentId)) {
			throw new SeedError(
				`${seedFile}: "${o.id}" names parent "${o.parentId}", which is not defined before it`
			);
		}
		byId.set(o.id, o);
		orgs.push(o);
	};

	for (const o of seed.organisations) {
		const parentTownship = o.parent ? (byId.get(o.parent)?.township ?? null) : null;
		add({
			id: o.id,
			name: o.name,
			kind: o.kind,
			parentId: o.parent,
			township: o.township ?? parentTownship,
			code: null,
			sort: orgs.length
		});
	}
	const t = seed.townships;
	for (const twp of divisions.townships) {
		const platform = fill(t.platform.id, twp);
		add({
			id: platform,
			name: fill(t.platform.name, twp),
			kind: 'township',
			parentId: t.parent,
			township: twp.code,
			code: twp.code,
			sort: orgs.length
		});
		for (const team of t.teams) {
			add({
				id: fill(team.id, twp),
				name: fill(team.name, twp),
				kind: 'team',
				parentId: platform,
				township: twp.code,
				code: null,
				sort: orgs.length
			});
		}
		for (const v of twp.villages) {
			const name = t.villages.stripSuffixes.reduce(
				(n, s) => (n.endsWith(s) && n.length > s.length ? n.slice(0, -s.length) : n),
				v.name
			);
			add({
				id: fill(t.villages.id, v),
				name: fill(t.villages.name, { code: v.code, name }),
				kind: 'village',
				parentId: platform,
				township: twp.code,
				code: v.code,
				sort: orgs.length
			});
		}
	}

	const demoAccounts = seed.demoAccounts.map((a) => {
		if (!byId.has(a.org))
			throw new SeedError(`${seedFile}: demo account "${a.username}" names unknown organisation "${a.org}"`);
		return { username: a.username, displayName: a.displayName, role: a.role, orgId: a.org };
	});
	return { district: divisions.district, organisations: orgs, demoAccounts };
}
