import {useCallback, useRef, useState} from 'preact/hooks';
import {errorText} from '../client';
import {useOutsideClick} from './outside';
import {archiveChannel, convertChannel} from '../channels';
import {leaveChannel, openMembers} from '../channelMembers';
import {navigate} from '../router';
import {getState, setState, type Channel} from '../store';
import {confirmAction, openPanel} from '../ui';

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
        if (await confirmAction(`Archive ${channel.display_name}? Nobody will be able to post in it.`, 'Archive')) {
            await archiveChannel(channel.id);
            townSquare();
        }
    };
    const convert = async () => {
        const toPrivate = channel.type === 'O';
        const question = toPrivate
            ? `Make ${channel.display_name} private? Only its members will see it and its history; others will need to be added.`
            : `Make ${channel.display_name} public? Anyone in the team will be able to find and join it, and read its history.`;
        if (await confirmAction(question, toPrivate ? 'Make private' : 'Make public')) {
            await convertChannel(channel.id, toPrivate ? 'P' : 'O');
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
                    <li><button role="menuitem" onClick={act(() => openPanel('channel-notify'))}>Notification preferences</button></li>
                    {canManageMembers(channel) && <li><button role="menuitem" onClick={act(() => setState({overlay: 'add-members'}))}>Add people</button></li>}
                    {canEdit(channel) && <li><button role="menuitem" onClick={act(() => setState({overlay: 'edit-channel'}))}>Edit channel</button></li>}
                    {!channel.delete_at && <li><button role="menuitem" onClick={act(() => setState({overlay: 'add-bookmark'}))}>Add a bookmark</button></li>}
                    {!channel.delete_at && <li><button role="menuitem" onClick={act(() => setState({overlay: 'attach-file-bookmark'}))}>Attach a file as a bookmark</button></li>}
                    {canLeave(channel) && <li><button role="menuitem" onClick={act(leave)}>Leave channel</button></li>}
                    {canArchive(channel) && (
                        <li><button role="menuitem" onClick={act(convert)}>{channel.type === 'O' ? 'Convert to private channel' : 'Convert to public channel'}</button></li>
                    )}
                    {canArchive(channel) && <li><button role="menuitem" class="danger" onClick={act(archive)}>Archive channel</button></li>}
                    {channel.type === 'D' && <li class="muted small">Nothing to manage in a direct message.</li>}
                </ul>
            )}
        </div>
    );
}
