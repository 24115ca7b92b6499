import {useEffect} from 'preact/hooks';
import {closePanel, useUi} from '../ui';
import {ConfirmDialog} from './ConfirmDialog';
import {InviteDialog} from './Invite';
import {ChannelNotifyDialog} from './NotificationSettings';

/** The dialogs of ui.ts: invitations, a channel's notifications, and the confirmation
 * (last, so it stacks over the others). */
export function Panels() {
    const {panel} = useUi();
    useEffect(() => {
        if (!panel) {
            return;
        }
        // Escape from anywhere on the page (the confirmation stops its own Escape).
        const onKey = (event: KeyboardEvent) => event.key === 'Escape' && closePanel();
        window.addEventListener('keydown', onKey);
        return () => window.removeEventListener('keydown', onKey);
    }, [panel]);
    return (
        <>
            {panel && (
                <div class="overlay" onMouseDown={(e) => e.target === e.currentTarget && closePanel()}>
                    <div class="dialog" role="dialog" aria-modal="true">
                        <button class="close" aria-label="Close" onClick={closePanel}>×</button>
                        {panel === 'invite' && <InviteDialog />}
                        {panel === 'channel-notify' && <ChannelNotifyDialog />}
                    </div>
                </div>
            )}
            <ConfirmDialog />
        </>
    );
}
