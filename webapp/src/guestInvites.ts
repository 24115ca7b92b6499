// Guest invitations by email (Mattermost's POST /teams/{team_id}/invite-guests/email,
// {emails, channels, message}): offered when the server has guest accounts on and I
// hold invite_guest (system admins by default; a team admin when the roles grant it).
import {client, errorId} from './client';
import {getState} from './store';

export const INVITE_GUEST = 'invite_guest';

/** Whether the Invite dialog offers guest invitations in this team: guest accounts on
 * (the client config's EnableGuestAccounts) and invite_guest in one of my roles,
 * system-wide or in the team. The server checks again when asked. */
export async function canInviteGuests(teamId: string): Promise<boolean> {
    const me = getState().me;
    if (!me) {
        return false;
    }
    const config = (await client.getClientConfig()) as unknown as Record<string, string>;
    if (config.EnableGuestAccounts !== 'true') {
        return false;
    }
    const member = await client.getTeamMember(teamId, me.id);
    const names = new Set([...me.roles.split(' '), ...member.roles.split(' ')].filter(Boolean));
    // A team scheme's flags stand for the team's roles.
    if (member.scheme_admin) {
        names.add('team_admin');
    }
    if (member.scheme_user) {
        names.add('team_user');
    }
    const roles = await client.getRolesByNames([...names]);
    return roles.some((role) => role.permissions.includes(INVITE_GUEST));
}

export async function inviteGuests(teamId: string, emails: string[], channelIds: string[], message: string): Promise<void> {
    await client.sendEmailGuestInvitesToChannels(teamId, channelIds, emails, message);
}

export type GuestField = 'emails' | 'channels' | 'message' | '';

/** Which field of the form a refusal is about (by its Mattermost error id), so it
 * shows there; '' for the others (permissions, guest accounts off, email not set up). */
export function guestErrorField(err: unknown): GuestField {
    const id = errorId(err);
    if (id === 'model.guest.is_valid.emails.app_error' || id === 'model.guest.is_valid.email.app_error') {
        return 'emails';
    }
    if (id.startsWith('model.guest.is_valid.channel') || id === 'api.team.invite_guests.channel_in_invalid_team.app_error') {
        return 'channels';
    }
    return id === 'model.guest.is_valid.message.app_error' ? 'message' : '';
}
