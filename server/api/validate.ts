/**
 * Validation of REST input with the shared zod schemas (src/lib/domain/api/). A route calls
 * `parseBody(schema, req)` (or parseParams / parseQuery) and gets typed data, or the call
 * throws an ApiError that the API's error handler renders as
 * 400 `{ error: 'invalid-request', message, issues: [{ path: 'a.b', message }] }`.
 * Routes throw other ApiErrors (404, 409, …) the same way.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { ApiError, type ApiIssue } from '#domain/api/errors';

function toIssues(error: z.ZodError): ApiIssue[] {
	return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
	const r = schema.safeParse(value);
	if (r.success) return r.data;
	const issues = toIssues(r.error);
	const first = issues[0];
	const where = first ? (first.path ? `${first.path}: ` : '') + first.message : 'invalid';
	throw new ApiError(400, 'invalid-request', `invalid ${what} (${where})`, issues);
}

/** The JSON body, validated. A missing or non-JSON body is validated as undefined. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
	return parse(schema, req.body, 'request body');
}

export function parseParams<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
	return parse(schema, req.params, 'path parameters');
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
	return parse(schema, req.query, 'query');
}
