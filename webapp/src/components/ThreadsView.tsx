import {useState} from 'preact/hooks';
import {errorText} from '../client';
import {setState, useAppState} from '../store';
import {openThread} from '../threads';
import {channelTitle} from '../users';
import {dayLabel, clock} from './time';

export function ThreadsView() {
    const s = useAppState();
    const [onlyUnread, setOnlyUnread] = useState(false);
    const list = s.threads.list.filter((t) => !onlyUnread || t.unread_replies > 0 || t.unread_mentions > 0);
    return (
        <section class="threads-view">
            <header class="channel-header">
                <button class="menu" aria-label="Channels" onClick={() => setState({sidebarOpen: !s.sidebarOpen})}>☰</button>
                <div class="title"><h2>Threads</h2><p class="muted">{s.threads.unreadThreads} unread, {s.threads.unreadMentions} mentions</p></div>
                <div class="tabs">
                    <button class={onlyUnread ? '' : 'active'} onClick={() => setOnlyUnread(false)}>All</button>
                    <button class={onlyUnread ? 'active' : ''} onClick={() => setOnlyUnread(true)}>Unread</button>
                </div>
            </header>
            <div class="thread-list">
                {!s.threads.loaded && <p class="muted">Loading…</p>}
                {s.threads.loaded && !list.length && <p class="muted empty">No threads {onlyUnread ? 'with unread replies' : 'you follow'} yet.</p>}
                {list.map((t) => {
                    const root = s.posts[t.id];
                    const channel = s.channels[(t.post as {channel_id: string}).channel_id];
                    const author = s.users[(t.post as {user_id: string}).user_id];
                    return (
                        <button key={t.id} class={`thread-item ${t.unread_replies ? 'unread' : ''}`} data-thread-id={t.id}
                            onClick={() => void openThread(t.id).catch((err) => setState({error: errorText(err)}))}>
                            <div class="muted small">{channel ? channelTitle(channel) : ''} · {dayLabel(t.last_reply_at)} {clock(t.last_reply_at)}</div>
                            <div><strong>{author?.username || '…'}</strong>: {(root?.message || '').slice(0, 140)}</div>
                            <div class="small">
                                {t.reply_count} {t.reply_count === 1 ? 'reply' : 'replies'}
                                {t.unread_replies > 0 && <span class="pill">{t.unread_replies} new</span>}
                                {t.unread_mentions > 0 && <span class="badge">{t.unread_mentions}</span>}
                            </div>
                        </button>
                    );
                })}
            </div>
        </section>
    );
}
