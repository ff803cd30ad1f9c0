import { error } from '@sveltejs/kit';
import { isRegisterName } from '$lib/domain/registers';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => {
	if (!isRegisterName(params.register)) error(404, 'no such register');
	return { register: params.register };
};
