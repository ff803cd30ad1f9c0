/**
 * The username and password rules are declared once (src/lib/domain/credentials.ts) and asked in
 * three places: the REST API, create-admin, and the admin form's `pattern` and `minlength`. The
 * browser compiles `pattern` with the `v` flag, whole-string; these tests hold the form to the
 * server's answer.
 */
import { describe, expect, it } from 'vitest';
import {
	MAX_PASSWORD_LENGTH,
	MIN_PASSWORD_LENGTH,
	NewPasswordSchema,
	USERNAME_PATTERN,
	UsernameSchema
} from '../../src/lib/domain/credentials.ts';

/** What a browser does with `<input pattern>`: `^(?:pattern)$` with the `v` flag. */
const asBrowserPattern = (pattern: string) => new RegExp(`^(?:${pattern})$`, 'v');

describe('username rule', () => {
	const names = ['ab', 'zhang.san', 'field-1', 'team_2', '9lives', 'x'.repeat(32)];
	const notNames = ['a', '-ab', '.ab', '_ab', 'ab cd', '张三', 'a/b', 'x'.repeat(33), ''];

	it('accepts 2–32 letters, digits, dot, dash or underscore starting with a letter or digit', () => {
		for (const n of names) expect(UsernameSchema.safeParse(n).success, n).toBe(true);
		for (const n of notNames) expect(UsernameSchema.safeParse(n).success, n).toBe(false);
	});

	it('is the same rule in the form’s pattern as on the server, and valid where browsers compile it', () => {
		const form = asBrowserPattern(USERNAME_PATTERN);
		for (const n of [...names, ...notNames])
			expect(form.test(n), n).toBe(UsernameSchema.safeParse(n).success);
	});
});

describe('new password rule', () => {
	it(`needs ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`, () => {
		expect(NewPasswordSchema.safeParse('x'.repeat(MIN_PASSWORD_LENGTH - 1)).success).toBe(false);
		expect(NewPasswordSchema.safeParse('x'.repeat(MIN_PASSWORD_LENGTH)).success).toBe(true);
		expect(NewPasswordSchema.safeParse('x'.repeat(MAX_PASSWORD_LENGTH)).success).toBe(true);
		expect(NewPasswordSchema.safeParse('x'.repeat(MAX_PASSWORD_LENGTH + 1)).success).toBe(false);
	});
});
