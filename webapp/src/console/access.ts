// Who may open the System Console: system admins only (the server refuses everyone else
// anyway; this only decides what the page offers).
import type {UserProfile} from '@mattermost/types/users';

export function isSystemAdmin(user: UserProfile | null | undefined): boolean {
    return Boolean(user && user.roles.split(' ').includes('system_admin'));
}
