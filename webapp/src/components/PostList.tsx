import type {Post} from '@mattermost/types/posts';
import {useLayoutEffect, useRef} from 'preact/hooks';
import {NOTHING_UNREAD} from '../channels';
import {loadOlder} from '../posts';
import {setState, useAppState} from '../store';
import {PostItem} from './PostItem';
import {usePrefs} from '../prefs';
import {hiddenJoinLeave, isSystemPost} from './SystemMessage';
import {dayLabel} from './time';

const GROUP_GAP_MS = 5 * 60 * 1000;
const LOAD_MARGIN_PX = 400;

export function PostList({channelId}: {channelId: string}) {
    const s = useAppState();
    const {joinLeave} = usePrefs();
    const window = s.windows[channelId];
    const list = useRef<HTMLDivElement>(null);
    const atBottom = useRef(true);
    const last = useRef({first: '', height: 0, top: 0});
    const jumped = useRef(false);
    const order = window?.order || [];
    const readUpTo = s.readUpTo[channelId] ?? NOTHING_UNREAD;
    const meId = s.me?.id || '';
    // The first post someone else wrote after I last read the channel.
    const firstUnread = readUpTo !== NOTHING_UNREAD ? order.find((id) => {
        const post = s.posts[id];
        return post && post.create_at > readUpTo && post.user_id !== meId;
    }) : undefined;

    useLayoutEffect(() => {
        const el = list.current;
        if (!el) {
            return;
        }
        const prev = last.current;
        const line = el.querySelector<HTMLElement>('[data-testid=new-messages]');
        if (line && !jumped.current) {
            // Opening a channel with unread messages: start at the first of them.
            jumped.current = true;
            el.scrollTop = Math.max(0, line.offsetTop - 8);
            atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        } else if (prev.first && order[0] !== prev.first && order.includes(prev.first)) {
            // Older posts were added above: keep what the reader was looking at in place.
            el.scrollTop = prev.top + (el.scrollHeight - prev.height);
        } else if (atBottom.current) {
            el.scrollTop = el.scrollHeight;
        }
        last.current = {first: order[0] || '', height: el.scrollHeight, top: el.scrollTop};
    });

    const onScroll = () => {
        const el = list.current!;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        last.current = {...last.current, top: el.scrollTop, height: el.scrollHeight};
        if (el.scrollTop < LOAD_MARGIN_PX && window?.hasOlder && !window.loading) {
            loadOlder(channelId).catch((err) => setState({error: String(err?.message || err)}));
        }
    };

    const rows: preact.JSX.Element[] = [];
    let previous: Post | undefined;
    for (const id of order) {
        const post = s.posts[id];
        if (!post || hiddenJoinLeave(post, joinLeave, s.me?.username || '')) {
            continue;
        }
        const day = dayLabel(post.create_at);
        if (!previous || dayLabel(previous.create_at) !== day) {
            rows.push(<div class="day" key={`day-${day}-${id}`}><span>{day}</span></div>);
            previous = undefined;
        }
        if (id === firstUnread) {
            rows.push(<div class="new-messages" key="new-messages" data-testid="new-messages"><span>New messages</span></div>);
            previous = undefined;
        }
        const continued = Boolean(previous && previous.user_id === post.user_id && post.create_at - previous.create_at < GROUP_GAP_MS && !post.props?.from_webhook && previous.type === post.type && !isSystemPost(previous));
        rows.push(<PostItem key={id} post={post} continued={continued} author={s.users[post.user_id]} status={s.statuses[post.user_id]} meId={s.me?.id || ''} editing={s.editing === id} />);
        previous = post;
    }
    return (
        <div class="post-list" ref={list} onScroll={onScroll} data-testid="post-list">
            {window?.hasOlder ? <div class="older">{window.loading ? 'Loading older messages…' : ''}</div> : <div class="beginning">This is the start of the conversation.</div>}
            {rows}
        </div>
    );
}
