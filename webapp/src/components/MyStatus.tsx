import {useCallback, useRef, useState} from 'preact/hooks';
import {errorText} from '../client';
import {clearCustomStatus, customStatusOf} from '../customStatus';
import {useOutsideClick} from './outside';
import {setMyStatus} from '../presence';
import {navigate} from '../router';
import {logout} from '../session';
import {setState, useAppState, type Presence} from '../store';
import {Emoji} from './Emoji';
import {isSystemAdmin} from '../console/access';
import {StatusDot, statusLabel} from './StatusDot';

const CHOICES: Presence[] = ['online', 'away', 'dnd', 'offline'];

/** Who I am, my status (which I can set), settings and logging out. */
export function MyStatus() {
    const s = useAppState();
    const [open, setOpen] = useState(false);
    const box = useRef<HTMLDivElement>(null);
    const close = useCallback(() => setOpen(false), []);
    useOutsideClick(box, close, open);
    const me = s.me!;
    const mine = s.statuses[me.id];
    const custom = customStatusOf(me);
    const choose = (status: Presence) => {
        setOpen(false);
        void setMyStatus(status).catch((err) => setState({error: errorText(err)}));
    };
    return (
        <div class="me" ref={box}>
            <button class="me-button" aria-label={`@${me.username}, set status`} aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
                <StatusDot status={mine} /> @{me.username}
                {custom && <span class="custom-status" title={custom.text} data-testid="my-custom-status"><Emoji name={custom.emoji} /></span>}
            </button>
            <button class="link" onClick={() => setState({overlay: 'settings'})}>Settings</button>
            <button class="link" onClick={() => setState({overlay: 'user-groups'})}>Groups</button>
            {isSystemAdmin(me) && <button class="link" aria-label="System Console" title="System Console" onClick={() => navigate('/admin_console')}>Console</button>}
            <button class="link" onClick={() => void logout().then(() => navigate('/login'))}>Log out</button>
            {open && (
                <ul class="menu-list" role="menu" aria-label="Status">
                    <li>
                        <button role="menuitem" onClick={() => { setOpen(false); setState({overlay: 'custom-status'}); }}>
                            {custom ? <><Emoji name={custom.emoji} /> {custom.text || 'Custom status'}</> : '🙂 Set a custom status'}
                        </button>
                    </li>
                    {custom && <li><button role="menuitem" onClick={() => { setOpen(false); void clearCustomStatus().catch((err) => setState({error: errorText(err)})); }}>Clear custom status</button></li>}
                    {CHOICES.map((status) => (
                        <li key={status}>
                            <button role="menuitemradio" aria-checked={mine === status} onClick={() => choose(status)}>
                                <StatusDot status={status} /> {statusLabel(status)}
                            </button>
                        </li>
                    ))}
                </ul>
            )}
        </div>
    );
}
