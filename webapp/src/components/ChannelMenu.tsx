import {useCallback, useRef, useState} from 'preact/hooks';
import {errorText} from '../client';
import {useOutsideClick} from './outside';
import {archiveChannel} from '../channels';
import {leaveChannel, openMembers} from '../channelMembers';
import {navigate} from '../router';
import {getState, setState, type Channel} from '../store';

const TOWN_SQUARE = 'town-square';

/** Public and private channels have members one can add and remove. */
export function canManageMembers(channel: Channel): boolean {
    return (channel.type === 'O' || channel.type === 'P') && !channel.delete_at;
}

const canEdit = canManageMembers;

function canLeave(channel: Channel): boolean {
    return (channel.type === 'O' || channel.type === 'P' || channel.type === 'G') && channel.name !== TOWN_SQUARE;
}

function canArchive(channel: Channel): boolean {
    return canManageMembers(channel) && channel.name !== TOWN_SQUARE;
}

function townSquare(): void {
    const s = getState();
    const team = s.teams.find((t) => t.id === s.teamId);
    if (team) {
        navigate(`/${team.name}/channels/${TOWN_SQUARE}`);
    }
}

const fail = (err: unknown) => setState({error: errorText(err)});

/** The channel header's menu: members, adding people, settings, leaving, archiving. */
export function ChannelMenu({channel}: {channel: Channel}) {
    const [open, setOpen] = useState(false);
    const box = useRef<HTMLDivElement>(null);
    const close = useCallback(() => setOpen(false), []);
    useOutsideClick(box, close, open);
    const act = (action: () => void | Promise<void>) => () => {
        setOpen(false);
        void Promise.resolve(action()).catch(fail);
    };
    const leave = async () => {
        await leaveChannel(channel.id);
        townSquare();
    };
    const archive = async () => {
        if (window.confirm(`Archive ${channel.display_name}? Nobody will be able to post in it.`)) {
            await archiveChannel(channel.id);
            townSquare();
        }
    };
    const hasMembers = channel.type !== 'D';
    return (
        <div class="channel-menu" ref={box}>
            {hasMembers && <button class="icon-button" title="Members" aria-label="Members" onClick={act(() => openMembers(channel.id))}>👥</button>}
            <button class="icon-button" title="Channel actions" aria-label="Channel actions" aria-expanded={open} onClick={() => setOpen(!open)}>⋯</button>
            {open && (
                <ul class="menu-list" role="menu">
                    {hasMembers && <li><button role="menuitem" onClick={act(() => openMembers(channel.id))}>View members</button></li>}
                    {canManageMembers(channel) && <li><button role="menuitem" onClick={act(() => setState({overlay: 'add-members'}))}>Add people</button></li>}
                    {canEdit(channel) && <li><button role="menuitem" onClick={act(() => setState({overlay: 'edit-channel'}))}>Edit channel</button></li>}
                    {canLeave(channel) && <li><button role="menuitem" onClick={act(leave)}>Leave channel</button></li>}
                    {canArchive(channel) && <li><button role="menuitem" class="danger" onClick={act(archive)}>Archive channel</button></li>}
                    {channel.type === 'D' && <li class="muted small">Nothing to manage in a direct message.</li>}
                </ul>
            )}
        </div>
    );
}
