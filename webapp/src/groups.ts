// Custom user groups (Mattermost's groups API, source "custom"): listed, made with their
// members, and offered as @mentions (a group's mention notifies each of its members).
import type {Group} from '@mattermost/types/groups';
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
