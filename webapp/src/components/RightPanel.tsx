import {channelPath} from '../channels';
import {navigate} from '../router';
import {setState, useAppState} from '../store';
import {channelTitle} from '../users';
import {Composer} from './Composer';
import {MembersPanel} from './MembersPanel';
import {PostItem} from './PostItem';
import {TypingLine} from './TypingLine';
import {clock, dayLabel} from './time';

export function RightPanel() {
    const s = useAppState();
    const rhs = s.rhs!;
    const close = <button class="close" aria-label="Close" onClick={() => setState({rhs: null})}>×</button>;
    if (rhs.kind === 'search' || rhs.kind === 'saved') {
        const team = s.teams.find((t) => t.id === s.teamId);
        const saved = rhs.kind === 'saved';
        return (
            <aside class="rhs" aria-label={saved ? 'Saved messages' : 'Search results'}>
                <header><h3>{saved ? 'Saved messages' : `Search: ${rhs.terms}`}</h3>{close}</header>
                <div class="rhs-body">
                    {rhs.loading && <p class="muted">{saved ? 'Loading…' : 'Searching…'}</p>}
                    {!rhs.loading && !rhs.ids.length && <p class="muted">{saved ? 'No saved messages yet. Save one from its ⋯ menu.' : 'No results.'}</p>}
                    {rhs.ids.map((id) => {
                        const post = s.posts[id];
                        const channel = post && s.channels[post.channel_id];
                        if (!post) {
                            return null;
                        }
                        return (
                            <div class="search-hit" key={id}>
                                <div class="muted small">
                                    {channel && team ? <a href={channelPath(team.name, channel)} onClick={(e) => { e.preventDefault(); navigate(channelPath(team.name, channel)); }}>{channelTitle(channel)}</a> : ''} · {dayLabel(post.create_at)} {clock(post.create_at)}
                                </div>
                                <PostItem post={post} continued={false} author={s.users[post.user_id]} status={s.statuses[post.user_id]} meId={s.me?.id || ''} editing={false} inThread />
                            </div>
                        );
                    })}
                </div>
            </aside>
        );
    }
    if (rhs.kind === 'members') {
        return <MembersPanel panel={rhs} />;
    }
    const root = s.posts[rhs.rootId];
    const replies = s.threadReplies[rhs.rootId] || [];
    return (
        <aside class="rhs" aria-label="Thread" data-testid="thread">
            <header><h3>Thread {root && s.channels[root.channel_id] ? <span class="muted">· {channelTitle(s.channels[root.channel_id])}</span> : null}</h3>{close}</header>
            <div class="rhs-body">
                {root ? <PostItem post={root} continued={false} author={s.users[root.user_id]} status={s.statuses[root.user_id]} meId={s.me?.id || ''} editing={s.editing === root.id} inThread /> : <p class="muted">Loading…</p>}
                {replies.length > 0 && <div class="reply-count muted">{replies.length} {replies.length === 1 ? 'reply' : 'replies'}</div>}
                {replies.map((id, i) => {
                    const post = s.posts[id];
                    if (!post) {
                        return null;
                    }
                    const prev = i > 0 ? s.posts[replies[i - 1]] : undefined;
                    const continued = Boolean(prev && prev.user_id === post.user_id && post.create_at - prev.create_at < 5 * 60 * 1000);
                    return <PostItem key={id} post={post} continued={continued} author={s.users[post.user_id]} status={s.statuses[post.user_id]} meId={s.me?.id || ''} editing={s.editing === id} inThread />;
                })}
            </div>
            {root && s.channels[root.channel_id]?.delete_at ? (
                // As in the channel: an archived channel's threads take no replies.
                <div class="archived-banner" role="status">This thread is in an archived channel: replies cannot be posted.</div>
            ) : root && (
                <>
                    <TypingLine channelId={root.channel_id} rootId={root.id} />
                    <Composer key={root.id} channelId={root.channel_id} rootId={root.id} placeholder="Reply…" />
                </>
            )}
        </aside>
    );
}
