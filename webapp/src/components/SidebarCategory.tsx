import type {ChannelCategory} from '@mattermost/types/channel_categories';
import {useCallback, useRef, useState} from 'preact/hooks';
import {isMuted} from '../account';
import {deleteCategory, moveChannel, setCollapsed} from '../categories';
import {channelPath, unreadOf} from '../channels';
import {errorText} from '../client';
import {customStatusOf} from '../customStatus';
import {navigate} from '../router';
import {setState, type Channel, type State} from '../store';
import {confirmAction} from '../ui';
import {channelTitle, dmPartnerId} from '../users';
import {ChannelItemMenu} from './ChannelItemMenu';
import {Emoji} from './Emoji';
import {useOutsideClick} from './outside';
import {StatusDot} from './StatusDot';

const fail = (err: unknown) => setState({error: errorText(err)});

// What a dragged channel row carries: its id, under a type only this sidebar reads.
const DRAG_TYPE = 'application/x-roost-channel';

function icon(s: State, c: Channel) {
    if (c.type === 'D') {
        return <StatusDot status={s.statuses[dmPartnerId(c.name)]} />;
    }
    return c.type === 'P' ? '🔒' : c.type === 'O' ? '#' : '👥';
}

/** One category of the sidebar: its header (collapse, menu, +) and its channels. */
export function SidebarCategory({s, teamName, category, channels}: {s: State; teamName: string; category: ChannelCategory; channels: Channel[]}) {
    const go = (path: string) => (event: Event) => {
        event.preventDefault();
        navigate(path);
    };
    const add = category.type === 'channels' ? 'browse' : category.type === 'direct_messages' ? 'new-dm' : '';
    // A collapsed category still shows its unread channels and the open one.
    const shown = category.collapsed ? channels.filter((c) => c.id === s.channelId || unreadOf(c, s.members[c.id]).unread) : channels;
    // Drag a channel onto another category to move it there (the "Move to..." menu does
    // the same for keyboards and touch).
    const movable = !!category.user_id;
    const [over, setOver] = useState(false);
    const carries = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes(DRAG_TYPE);
    const onDragOver = (e: DragEvent) => {
        if (movable && carries(e)) {
            e.preventDefault();
            setOver(true);
        }
    };
    const onDrop = (e: DragEvent) => {
        setOver(false);
        const id = movable && carries(e) ? e.dataTransfer?.getData(DRAG_TYPE) : '';
        if (id) {
            e.preventDefault();
            void moveChannel(id, category.id).catch(fail);
        }
    };
    return (
        <section data-category={category.type} data-category-id={category.id} class={over ? 'drop-target' : undefined}
            onDragOver={onDragOver} onDragLeave={() => setOver(false)} onDrop={onDrop}>
            <h3>
                <button class="category-toggle" aria-expanded={!category.collapsed} disabled={!category.user_id}
                    onClick={() => void setCollapsed(category, !category.collapsed).catch(fail)}>
                    <span class="caret">{category.collapsed ? '▸' : '▾'}</span> {category.display_name}
                </button>
                {category.user_id && <CategoryMenu category={category} />}
                {add && <button class="add" title={add === 'browse' ? 'Browse or create channels' : 'Write to someone'} aria-label={add === 'browse' ? 'Add channel' : 'New message'}
                    onClick={() => setState({overlay: add})}>+</button>}
            </h3>
            {shown.map((c) => {
                const {unread, mentions} = unreadOf(c, s.members[c.id]);
                const active = s.view === 'channel' && c.id === s.channelId;
                const status = c.type === 'D' ? customStatusOf(s.users[dmPartnerId(c.name)]) : null;
                return (
                    <div key={c.id} class="item-row" draggable={movable}
                        onDragStart={(e: DragEvent) => {
                            e.dataTransfer?.setData(DRAG_TYPE, c.id);
                            if (e.dataTransfer) {
                                e.dataTransfer.effectAllowed = 'move';
                            }
                        }}>
                        <a href={channelPath(teamName, c)} data-channel={c.name}
                            class={`item ${active ? 'active' : ''} ${unread && !isMuted(s.members[c.id]) && (!active || s.markedUnread[c.id]) ? 'unread' : ''} ${isMuted(s.members[c.id]) ? 'muted-channel' : ''}`}
                            onClick={go(channelPath(teamName, c))}>
                            <span class="icon">{icon(s, c)}</span>
                            <span class="name">{channelTitle(c)}</span>
                            {status && <span class="custom-status" title={status.text} data-testid="custom-status"><Emoji name={status.emoji} /></span>}
                            {mentions > 0 && !active && <span class="badge" data-testid="mention-badge">{mentions}</span>}
                        </a>
                        {category.user_id && <ChannelItemMenu channel={c} />}
                    </div>
                );
            })}
        </section>
    );
}

function CategoryMenu({category}: {category: ChannelCategory}) {
    const [open, setOpen] = useState(false);
    const box = useRef<HTMLDivElement>(null);
    const close = useCallback(() => setOpen(false), []);
    useOutsideClick(box, close, open);
    const custom = category.type === 'custom';
    const remove = () => {
        setOpen(false);
        void confirmAction(`Delete the category ${category.display_name}? Its channels go back to Channels.`).then((ok) => (ok ? deleteCategory(category) : undefined)).catch(fail);
    };
    return (
        <div class="item-menu" ref={box}>
            <button class="add" aria-label={`Category options for ${category.display_name}`} aria-expanded={open} onClick={() => setOpen(!open)}>⋯</button>
            {open && (
                <ul class="menu-list" role="menu">
                    <li><button role="menuitem" onClick={() => { setOpen(false); setState({overlay: 'new-category', categoryTarget: {}}); }}>Create new category</button></li>
                    {custom && <li><button role="menuitem" onClick={() => { setOpen(false); setState({overlay: 'rename-category', categoryTarget: {categoryId: category.id}}); }}>Rename category</button></li>}
                    {custom && <li><button role="menuitem" class="danger" onClick={remove}>Delete category</button></li>}
                </ul>
            )}
        </div>
    );
}
