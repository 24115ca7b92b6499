import {useCallback, useRef, useState} from 'preact/hooks';
import {categoryOf, moveChannel, setFavorite} from '../categories';
import {errorText} from '../client';
import {getState, setState, type Channel} from '../store';
import {useOutsideClick} from './outside';

const fail = (err: unknown) => setState({error: errorText(err)});

/** A channel's ⋯ in the sidebar: favorite, and "Move to..." another category. */
export function ChannelItemMenu({channel}: {channel: Channel}) {
    const [open, setOpen] = useState(false);
    const box = useRef<HTMLDivElement>(null);
    const close = useCallback(() => setOpen(false), []);
    useOutsideClick(box, close, open);
    const s = getState();
    const current = open ? categoryOf(s, channel.id) : undefined;
    const direct = channel.type === 'D' || channel.type === 'G';
    // Team channels never go among direct messages, nor conversations into Channels.
    const targets = open ? s.categories.filter((c) => c.id !== current?.id && c.type !== (direct ? 'channels' : 'direct_messages')) : [];
    const act = (action: () => Promise<void>) => () => {
        setOpen(false);
        void action().catch(fail);
    };
    return (
        <div class="item-menu" ref={box}>
            <button class="item-menu-button" aria-label={`Channel options for ${channel.display_name || channel.name}`} aria-expanded={open}
                onClick={(e) => { e.preventDefault(); setOpen(!open); }}>⋯</button>
            {open && (
                <ul class="menu-list" role="menu">
                    <li><button role="menuitem" onClick={act(() => setFavorite(channel, current?.type !== 'favorites'))}>
                        {current?.type === 'favorites' ? 'Unfavorite' : 'Favorite'}
                    </button></li>
                    <li class="muted small">Move to...</li>
                    {targets.map((c) => (
                        <li key={c.id}><button role="menuitem" onClick={act(() => moveChannel(channel.id, c.id))}>{c.display_name}</button></li>
                    ))}
                    <li><button role="menuitem" onClick={() => { setOpen(false); setState({overlay: 'new-category', categoryTarget: {channelId: channel.id}}); }}>New category</button></li>
                </ul>
            )}
        </div>
    );
}
