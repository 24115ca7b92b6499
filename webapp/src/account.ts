// A person's own account: password, profile picture, names, notification preferences
// (the user's notify_props and a channel membership's, as Mattermost keeps them).
import type {ChannelMembership} from '@mattermost/types/channels';
import type {UserProfile} from '@mattermost/types/users';
import {client} from './client';
import {getState, setState} from './store';
import {rememberUsers} from './users';

/** Profile pictures the server decodes, and its size limit. */
export const PICTURE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp'];
export const MAX_PICTURE_BYTES = 10 * 1024 * 1024; // the server's limit

function remember(user: UserProfile): void {
    rememberUsers([user]);
    setState((s) => ({me: {...s.me!, ...user}}));
}

export async function changePassword(current: string, next: string): Promise<void> {
    await client.updateUserPassword(getState().me!.id, current, next);
}

export async function patchProfile(patch: Partial<UserProfile>): Promise<void> {
    remember(await client.patchMe(patch));
}

/** Upload a picture, then reload me so every avatar URL changes (last_picture_update). */
export async function uploadPicture(file: File): Promise<void> {
    const me = getState().me!;
    await client.uploadProfileImage(me.id, file);
    remember(await client.getMe());
}

export async function removePicture(): Promise<void> {
    const me = getState().me!;
    await client.setDefaultProfileImage(me.id);
    remember(await client.getMe());
}

export async function patchNotifyProps(props: Record<string, string>): Promise<void> {
    const me = getState().me!;
    await patchProfile({notify_props: {...me.notify_props, ...props}} as unknown as Partial<UserProfile>);
}

/** A channel's notification preferences for me (mute, levels, @channel). */
export async function setChannelNotifyProps(channelId: string, props: Record<string, string>): Promise<void> {
    const me = getState().me!;
    await client.updateChannelNotifyProps({channel_id: channelId, user_id: me.id, ...props});
    setState((s) => {
        const member = s.members[channelId];
        if (!member) {
            return {};
        }
        const next = {...member, notify_props: {...member.notify_props, ...props}} as unknown as ChannelMembership;
        return {members: {...s.members, [channelId]: next}};
    });
}

/** Muted, as Mattermost mutes: unread only for mentions. */
export function isMuted(member: ChannelMembership | undefined): boolean {
    return member?.notify_props?.mark_unread === 'mention';
}

/** Do not disturb until a time (0: until I change it), through my status. */
export async function setDoNotDisturb(untilMs: number): Promise<void> {
    const me = getState().me!;
    await client.updateStatus({user_id: me.id, status: 'dnd', dnd_end_time: untilMs ? Math.floor(untilMs / 1000) : 0} as Parameters<typeof client.updateStatus>[0]);
    setState((s) => ({statuses: {...s.statuses, [me.id]: 'dnd'}}));
}
