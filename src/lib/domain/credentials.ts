/**
 * The rules for usernames and new passwords, in one place for everyone who checks them: the REST
 * API, the create-admin command and the administration forms (which also put the username rule
 * in an input's `pattern`).
 */
import { z } from 'zod';

/**
 * 2–32 letters, digits, dot, dash or underscore, starting with a letter or digit. The dash is
 * escaped because browsers compile `pattern` with the `v` flag, where a bare `-` in a class is an
 * error (and the whole pattern is then ignored).
 */
export const USERNAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]{1,31}';

export const UsernameSchema = z
	.string()
	.regex(
		new RegExp(`^${USERNAME_PATTERN}$`),
		'2–32 letters, digits, dot, dash or underscore, starting with a letter or digit'
	);

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

export const NewPasswordSchema = z
	.string()
	.min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
	.max(MAX_PASSWORD_LENGTH);
