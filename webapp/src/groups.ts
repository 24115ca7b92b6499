// Custom user groups (Mattermost's groups API, source "custom"): listed, made with their
// members, edited (members added and removed, renamed, archived) as the server allows,
// and offered as @mentions (a group's mention notifies each of its members).
import type {Group} from '@mattermost/types/groups';
import type {UserProfile} from '@mattermost/types/users';
import {client} from './client';

/** Groups that can be mentioned, whose name or display name has ``term`` (all: ''). */
export function findGroups(term: string, perPage = 60): Promise<Group[]> {
    return client.searchGroups({q: term, filter_allow_reference: true, include_member_count: true, page: 0, per_page: perPage} as never);
}

export function createGroup(displayName: string, name: string, userIds: string[]): Promise<Group> {
    return client.createGroupWithUserIds({
        display_name: displayName,
        name,
        source: 'custom',
        allow_reference: true,
        user_ids: userIds,
    } as never);
}

/** A mention name from a display name ("Design team" -> "design-team"). */
export function groupNameFrom(displayName: string): string {
    return displayName.toLowerCase().normalize('NFKD').replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
}

/** A group's members, first page (GET /groups/{id}/members; Client4 has no call for it). */
export async function groupMembers(groupId: string, perPage = 200): Promise<{members: UserProfile[]; total: number}> {
    const url = `${client.getGroupRoute(groupId)}/members?page=0&per_page=${perPage}`;
    const response = await fetch(url, client.getOptions({method: 'get'}));
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
        // The shape Client4's own failures have, for errorText and errorId.
        throw {message: body.message || `The server answered ${response.status}.`, server_error_id: body.id || '', status_code: response.status};
    }
    return {members: body.members || [], total: body.total_member_count ?? 0};
}

export function addGroupMembers(groupId: string, userIds: string[]): Promise<unknown> {
    return client.addUsersToGroup(groupId, userIds);
}

export function removeGroupMembers(groupId: string, userIds: string[]): Promise<unknown> {
    return client.removeUsersFromGroup(groupId, userIds);
}

export function renameGroup(groupId: string, displayName: string, name: string): Promise<Group> {
    return client.patchGroup(groupId, {display_name: displayName, name});
}

/** Archive a group (Mattermost's DELETE /groups/{id}): no longer mentionable; it keeps
 * its name and members, and can be restored. */
export function archiveGroup(groupId: string): Promise<Group> {
    return client.archiveGroup(groupId);
}
