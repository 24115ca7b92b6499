import {errorText} from '../client';
import {setState, useAppState, type ThreadFilter} from '../store';
import {loadMoreThreads, loadThreads, openThread} from '../threads';
import {channelTitle} from '../users';
import {dayLabel, clock} from './time';

const fail = (err: unknown) => setState({error: errorText(err)});

const TABS: Array<[ThreadFilter, string]> = [['all', 'All'], ['unread', 'Unread'], ['mentions', 'Mentions']];

const EMPTY: Record<ThreadFilter, string> = {
    all: 'No threads you follow yet.',
    unread: 'No threads with unread replies.',
    mentions: 'No unread mentions in threads.',
};

export function ThreadsView() {
    const s = useAppState();
    const {threads} = s;
    return (
        <section class="threads-view">
            <header class="channel-header">
                <button class="menu" aria-label="Channels" onClick={() => setState({sidebarOpen: !s.sidebarOpen})}>☰</button>
                <div class="title"><h2>Threads</h2><p class="muted">{threads.unreadThreads} unread, {threads.unreadMentions} mentions</p></div>
                <div class="tabs" role="tablist">
                    {TABS.map(([filter, label]) => (
                        <button key={filter} role="tab" aria-selected={threads.filter === filter} class={threads.filter === filter ? 'active' : ''}
                            onClick={() => void loadThreads(filter).catch(fail)}>{label}</button>
                    ))}
                </div>
            </header>
            <div class="thread-list">
                {!threads.loaded && <p class="muted">Loading…</p>}
                {threads.loaded && !threads.list.length && !threads.hasMore && <p class="muted empty">{EMPTY[threads.filter]}</p>}
                {threads.list.map((t) => {
                    const root = s.posts[t.id];
                    const channel = s.channels[(t.post as {channel_id: string}).channel_id];
                    const author = s.users[(t.post as {user_id: string}).user_id];
                    return (
                        <button key={t.id} class={`thread-item ${t.unread_replies ? 'unread' : ''}`} data-thread-id={t.id}
                            onClick={() => void openThread(t.id).catch(fail)}>
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
                {threads.hasMore && (
                    <button class="load-more" disabled={threads.loadingMore} onClick={() => void loadMoreThreads().catch(fail)}>
                        {threads.loadingMore ? 'Loading…' : 'Load more'}
                    </button>
                )}
            </div>
        </section>
    );
}
