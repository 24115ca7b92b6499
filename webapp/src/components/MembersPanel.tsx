import {errorText} from '../client';
import {loadMembers, MEMBERS_PAGE, removeMember} from '../channelMembers';
import {navigate} from '../router';
import {getState, setState, useAppState, type MembersPanel as Panel} from '../store';
import {channelTitle} from '../users';
import {canManageMembers} from './ChannelMenu';
import {StatusDot} from './StatusDot';

const fail = (err: unknown) => setState({error: errorText(err)});

/** The right-hand panel listing a channel's members, with their presence. */
export function MembersPanel({panel}: {panel: Panel}) {
    const s = useAppState();
    const channel = s.channels[panel.channelId];
    const team = s.teams.find((t) => t.id === s.teamId);
    const manage = Boolean(channel && canManageMembers(channel));
    const message = (username: string) => {
        if (team) {
            navigate(`/${team.name}/messages/@${username}`);
        }
    };
    return (
        <aside class="rhs" aria-label="Members" data-testid="members">
            <header>
                <h3>Members {channel ? <span class="muted">· {channelTitle(channel)}</span> : null}</h3>
                <button class="close" aria-label="Close" onClick={() => setState({rhs: null})}>×</button>
            </header>
            {manage && <div class="rhs-actions"><button class="primary" onClick={() => setState({overlay: 'add-members'})}>Add people</button></div>}
            <div class="rhs-body">
                {panel.ids === null && <p class="muted pad">Loading…</p>}
                <ul class="member-list">
                    {(panel.ids || []).map((id) => {
                        const user = s.users[id];
                        if (!user) {
                            return null;
                        }
                        const fullName = [user.first_name, user.last_name].filter(Boolean).join(' ');
                        return (
                            <li key={id} data-user={user.username}>
                                <span class="avatar-wrap">
                                    <img class="avatar small" alt="" loading="lazy" width={24} height={24} src={`/api/v4/users/${id}/image?_=${user.last_picture_update || 0}`} />
                                    <StatusDot status={s.statuses[id]} />
                                </span>
                                <span class="who">
                                    <strong>{user.username}</strong>{id === s.me?.id ? <span class="muted"> (you)</span> : null}
                                    {(fullName || user.nickname) && <span class="muted small"> {[fullName, user.nickname].filter(Boolean).join(' · ')}</span>}
                                </span>
                                {id !== s.me?.id && <button class="link small" onClick={() => message(user.username)}>Message</button>}
                                {manage && id !== s.me?.id && (
                                    <button class="small" aria-label={`Remove ${user.username}`} onClick={() => void removeMember(panel.channelId, id).catch(fail)}>Remove</button>
                                )}
                            </li>
                        );
                    })}
                </ul>
                {panel.hasMore && (
                    <button class="load-more" onClick={() => void loadMembers(panel.channelId, Math.ceil((getState().rhs as Panel).ids!.length / MEMBERS_PAGE)).catch(fail)}>Show more</button>
                )}
            </div>
        </aside>
    );
}
