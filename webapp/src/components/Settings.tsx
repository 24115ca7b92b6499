import {useState} from 'preact/hooks';
import {client, errorText} from '../client';
import {disableNotifications, enableNotifications, notificationsOn, notificationsSupported} from '../notifications';
import {setState, useAppState} from '../store';
import {rememberUsers} from '../users';
import {MfaSection, SessionsSection} from './SecuritySettings';

/** My profile (names, nickname), desktop notifications, sessions and MFA. */
export function Settings() {
    const {me} = useAppState();
    const [error, setError] = useState('');
    const [saved, setSaved] = useState(false);
    const [notify, setNotify] = useState(notificationsOn());
    const [notifyNote, setNotifyNote] = useState('');
    if (!me) {
        return null;
    }
    const save = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        const value = (name: string) => String(form.get(name) || '').trim();
        setError('');
        setSaved(false);
        try {
            const updated = await client.patchMe({first_name: value('first_name'), last_name: value('last_name'), nickname: value('nickname')});
            rememberUsers([updated]);
            setState({me: updated});
            setSaved(true);
        } catch (err) {
            setError(errorText(err));
        }
    };
    const toggleNotify = async () => {
        if (notify) {
            disableNotifications();
            setNotify(false);
            return;
        }
        const on = await enableNotifications();
        setNotify(on);
        setNotifyNote(on ? '' : 'The browser did not allow notifications for this site.');
    };
    return (
        <div aria-label="Settings">
            <h3>Settings</h3>
            <form onSubmit={save} aria-label="Profile">
                <label>First name<input name="first_name" defaultValue={me.first_name} maxLength={64} /></label>
                <label>Last name<input name="last_name" defaultValue={me.last_name} maxLength={64} /></label>
                <label>Nickname<input name="nickname" defaultValue={me.nickname} maxLength={64} /></label>
                {error && <p class="error" role="alert">{error}</p>}
                {saved && <p class="muted" role="status">Saved.</p>}
                <div class="buttons"><button class="primary" type="submit">Save profile</button></div>
            </form>
            <h3>Desktop notifications</h3>
            {notificationsSupported() ? (
                <p>
                    {notify ? 'On: mentions and direct messages while you look elsewhere. ' : 'Off. '}
                    <button onClick={() => void toggleNotify()}>{notify ? 'Turn off' : 'Turn on'}</button>
                </p>
            ) : <p class="muted">This browser cannot show notifications.</p>}
            {notifyNote && <p class="error" role="alert">{notifyNote}</p>}
            <SessionsSection />
            <MfaSection />
        </div>
    );
}
