// Team invitations: the invite link (/signup_user_complete/?id=INVITE_ID, the link
// Mattermost's apps and Roost's invitation emails carry), adding people, email invites.
import type {Team} from '@mattermost/types/teams';
import type {UserProfile} from '@mattermost/types/users';
import {loadTeams} from './channels';
import {client} from './client';
import {getState, setState} from './store';

const PENDING_KEY = 'roost.inviteId';
const INVITE_PATH = '/signup_user_complete/';
/** Invite ids are the server's 26-character ids; anything else in ?id= is ignored. */
const INVITE_ID = /^[a-z0-9]{26}$/;

/** An invite link being followed: kept for the tab's session, so that logging in (or
 * signing up) first, on another route, still ends in the team. */
export function rememberInviteFromUrl(): void {
    const id = new URLSearchParams(window.location.search).get('id') || '';
    if (window.location.pathname.startsWith('/signup_user_complete') && INVITE_ID.test(id)) {
        sessionStorage.setItem(PENDING_KEY, id);
    }
}

export function pendingInvite(): string {
    return sessionStorage.getItem(PENDING_KEY) || '';
}

/** Join the team of the pending invite (a no-op on the server for a member); its
 * name, or '' when no invite is pending. */
export async function acceptPendingInvite(): Promise<string> {
    const id = pendingInvite();
    if (!id) {
        return '';
    }
    sessionStorage.removeItem(PENDING_KEY);
    return joinByInvite(id);
}

export async function joinByInvite(inviteId: string): Promise<string> {
    const member = await client.joinTeam(inviteId);
    await loadTeams();
    return getState().teams.find((t) => t.id === member.team_id)?.name || '';
}

/** The invite id in a pasted link (or the bare id). */
export function inviteIdFrom(text: string): string {
    const trimmed = text.trim();
    if (INVITE_ID.test(trimmed)) {
        return trimmed;
    }
    try {
        const id = new URL(trimmed, window.location.origin).searchParams.get('id') || '';
        return INVITE_ID.test(id) ? id : '';
    } catch {
        return '';
    }
}

export function inviteLink(team: Team): string {
    return team.invite_id ? `${window.location.origin}${INVITE_PATH}?id=${team.invite_id}` : '';
}

/** Whether I manage the team (team admin or system admin): only they regenerate links. */
export async function canManageTeam(teamId: string): Promise<boolean> {
    const me = getState().me;
    if (!me) {
        return false;
    }
    if (me.roles.split(' ').includes('system_admin')) {
        return true;
    }
    const member = await client.getTeamMember(teamId, me.id);
    return member.scheme_admin || member.roles.split(' ').includes('team_admin');
}

export async function regenerateInvite(teamId: string): Promise<Team> {
    const team = await client.regenerateTeamInviteId(teamId);
    setState((s) => ({teams: s.teams.map((t) => (t.id === team.id ? {...t, ...team} : t))}));
    return team;
}

/** People not in the team whose name starts with term (the first 100 with no term). */
export async function findPeopleOutside(teamId: string, term: string): Promise<UserProfile[]> {
    const found = term.trim()
        ? await client.searchUsers(term.trim(), {limit: 50})
        : await client.getProfilesNotInTeam(teamId, false, 0, 100);
    const candidates = found.filter((u) => !u.is_bot && !u.delete_at);
    if (!term.trim() || !candidates.length) {
        return candidates;
    }
    const members = await client.getTeamMembersByIds(teamId, candidates.map((u) => u.id));
    const inside = new Set(members.filter((m) => !m.delete_at).map((m) => m.user_id));
    return candidates.filter((u) => !inside.has(u.id));
}

export async function addToTeam(teamId: string, userIds: string[]): Promise<void> {
    await client.addUsersToTeam(teamId, userIds);
}

/** At most 20 addresses a request (the server's limit, as Mattermost's). */
export const MAX_EMAIL_INVITES = 20;

export function parseEmails(text: string): string[] {
    return [...new Set(text.split(/[\s,;]+/).map((e) => e.trim()).filter(Boolean))];
}

export async function inviteByEmail(teamId: string, emails: string[]): Promise<void> {
    await client.sendEmailInvitesToTeam(teamId, emails);
}
