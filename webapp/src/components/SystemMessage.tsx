import type {Post} from '@mattermost/types/posts';
import {clock} from './time';

/** Posts the server writes about the channel itself (Mattermost's system_* types). An
 * ephemeral answer (system_ephemeral: a command's or an integration's, to me alone) is
 * not one: it shows as a message from System, marked as visible only to me. */
export function isSystemPost(post: Post): boolean {
    return post.type.startsWith('system_') && post.type !== 'system_ephemeral';
}

// Mattermost's join and leave kinds: the ones its "Join/Leave messages" setting hides.
const JOIN_LEAVE = new Set([
    'system_join_channel', 'system_leave_channel', 'system_add_to_channel', 'system_remove_from_channel',
    'system_join_team', 'system_leave_team', 'system_add_to_team', 'system_remove_from_team',
    'system_guest_join_channel', 'system_add_guest_to_chan',
]);

/** Whether a post is hidden by the join/leave setting: off, a join or leave kind, and not
 * about me (as Mattermost's web app: my own joins and removals still show). */
export function hiddenJoinLeave(post: Post, showJoinLeave: boolean, myUsername: string): boolean {
    if (showJoinLeave || !JOIN_LEAVE.has(post.type as string)) {
        return false;
    }
    const props = (post.props || {}) as Record<string, unknown>;
    return ![props.username, props.addedUsername, props.removedUsername].includes(myUsername);
}

type Props = Record<string, unknown>;

const str = (props: Props, key: string): string => (typeof props[key] === 'string' ? (props[key] as string) : '');
const at = (name: string): string => (name ? `@${name}` : 'Someone');

function changed(who: string, what: string, before: string, after: string): string {
    if (before && after) {
        return `${who} updated the channel ${what} from: ${before} to: ${after}`;
    }
    if (after) {
        return `${who} updated the channel ${what} to: ${after}`;
    }
    return before ? `${who} removed the channel ${what} (was: ${before})` : `${who} updated the channel ${what}.`;
}

/** The sentence for a system post, from its props as Mattermost's server writes them;
 * the server's own text when the type is unknown or the props are missing. */
export function systemText(post: Post): string {
    const props = (post.props || {}) as Props;
    const who = at(str(props, 'username'));
    // Roost's server writes types the client's PostType list may not name yet.
    switch (post.type as string) {
    case 'system_join_channel':
        return `${who} joined the channel.`;
    case 'system_leave_channel':
        return `${who} left the channel.`;
    case 'system_add_to_channel':
        return str(props, 'addedUsername') ? `${at(str(props, 'addedUsername'))} added to the channel by ${who}.` : post.message;
    case 'system_remove_from_channel':
        return str(props, 'removedUsername') ? `${at(str(props, 'removedUsername'))} was removed from the channel.` : post.message;
    case 'system_join_team':
        return `${who} joined the team.`;
    case 'system_leave_team':
        return `${who} left the team.`;
    case 'system_add_to_team':
        return str(props, 'addedUsername') ? `${at(str(props, 'addedUsername'))} added to the team by ${who}.` : post.message;
    case 'system_remove_from_team':
        return str(props, 'removedUsername') ? `${at(str(props, 'removedUsername'))} was removed from the team.` : post.message;
    case 'system_header_change':
        return 'new_header' in props || 'old_header' in props ? changed(who, 'header', str(props, 'old_header'), str(props, 'new_header')) : post.message;
    case 'system_purpose_change':
        return 'new_purpose' in props || 'old_purpose' in props ? changed(who, 'purpose', str(props, 'old_purpose'), str(props, 'new_purpose')) : post.message;
    case 'system_displayname_change':
        return 'new_displayname' in props ? changed(who, 'display name', str(props, 'old_displayname'), str(props, 'new_displayname')) : post.message;
    case 'system_channel_deleted':
        return `${who} archived the channel.`;
    case 'system_channel_restored':
        return `${who} restored the channel.`;
    default:
        return post.message;
    }
}

/** One line, muted, with its time: no author block, reactions or actions. */
export function SystemMessage({post}: {post: Post}) {
    return (
        <article class="post system-message" data-post-id={post.id} data-testid="post" data-post-type={post.type}>
            <div class="gutter"><time class="hover-time">{clock(post.create_at)}</time></div>
            <div class="body">
                <p class="system-text" data-testid="message">{systemText(post)}</p>
            </div>
        </article>
    );
}
