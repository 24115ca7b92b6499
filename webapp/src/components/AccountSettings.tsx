import {useState} from 'preact/hooks';
import {MAX_PICTURE_BYTES, PICTURE_TYPES, changePassword, patchProfile, removePicture, uploadPicture} from '../account';
import {errorText} from '../client';
import {allTimezones, browserTimezone, setJoinLeave, setMilitaryTime, setTheme, setTimezone, usePrefs, type ThemeKind} from '../prefs';
import {useAppState} from '../store';
import {confirmAction} from '../ui';
import './account.css';

/** Names, nickname, position and the profile picture. */
export function ProfileSection() {
    const {me} = useAppState();
    const [error, setError] = useState('');
    const [saved, setSaved] = useState(false);
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
            await patchProfile({first_name: value('first_name'), last_name: value('last_name'), nickname: value('nickname'), position: value('position')});
            setSaved(true);
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <>
            <PictureSection />
            <form onSubmit={save} aria-label="Profile">
                <label>First name<input name="first_name" defaultValue={me.first_name} maxLength={64} /></label>
                <label>Last name<input name="last_name" defaultValue={me.last_name} maxLength={64} /></label>
                <label>Nickname<input name="nickname" defaultValue={me.nickname} maxLength={64} /></label>
                <label>Position<input name="position" defaultValue={me.position} maxLength={128} /></label>
                {error && <p class="error" role="alert">{error}</p>}
                {saved && <p class="muted" role="status">Saved.</p>}
                <div class="buttons"><button class="primary" type="submit">Save profile</button></div>
            </form>
        </>
    );
}

function PictureSection() {
    const {me} = useAppState();
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    const run = async (work: () => Promise<void>) => {
        setError('');
        setBusy(true);
        try {
            await work();
        } catch (err) {
            setError(errorText(err));
        } finally {
            setBusy(false);
        }
    };
    const pick = (event: Event) => {
        const input = event.currentTarget as HTMLInputElement;
        const file = input.files?.[0];
        input.value = '';
        if (!file) {
            return;
        }
        if (!PICTURE_TYPES.includes(file.type)) {
            setError('Choose a PNG, JPEG or GIF image.');
            return;
        }
        if (file.size > MAX_PICTURE_BYTES) {
            setError(`The picture is too large: at most ${MAX_PICTURE_BYTES / 1024 / 1024} MB.`);
            return;
        }
        void run(() => uploadPicture(file));
    };
    const remove = async () => {
        if (await confirmAction('Remove your profile picture? Your initials are shown instead.', 'Remove')) {
            await run(removePicture);
        }
    };
    if (!me) {
        return null;
    }
    return (
        <section class="picture" aria-label="Profile picture">
            <img class="avatar large" alt="Your profile picture" width={72} height={72} data-testid="my-picture"
                src={`/api/v4/users/${me.id}/image?_=${me.last_picture_update || 0}`} />
            <div>
                <label class="button-like">
                    {busy ? 'Uploading…' : 'Upload a picture'}
                    <input type="file" accept={PICTURE_TYPES.join(',')} aria-label="Upload a picture" class="visually-hidden" onChange={pick} disabled={busy} />
                </label>
                {(me.last_picture_update || 0) > 0 && <button class="link small" onClick={() => void remove()}>Remove picture</button>}
                {error && <p class="error" role="alert">{error}</p>}
            </div>
        </section>
    );
}

/** Change the password: the current one, the new one twice. */
export function PasswordSection() {
    const [error, setError] = useState('');
    const [done, setDone] = useState(false);
    const save = async (event: Event) => {
        event.preventDefault();
        const formEl = event.currentTarget as HTMLFormElement;
        const form = new FormData(formEl);
        const current = String(form.get('current') || '');
        const next = String(form.get('new') || '');
        setError('');
        setDone(false);
        if (next !== String(form.get('confirm') || '')) {
            setError('The new passwords do not match.');
            return;
        }
        try {
            await changePassword(current, next);
            formEl.reset();
            setDone(true);
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <form onSubmit={save} aria-label="Password">
            <h4>Password</h4>
            <label>Current password<input name="current" type="password" autocomplete="current-password" required /></label>
            <label>New password<input name="new" type="password" autocomplete="new-password" required maxLength={72} /></label>
            <label>Confirm new password<input name="confirm" type="password" autocomplete="new-password" required maxLength={72} /></label>
            {error && <p class="error" role="alert">{error}</p>}
            {done && <p class="muted" role="status">Password changed.</p>}
            <div class="buttons"><button class="primary" type="submit">Change password</button></div>
        </form>
    );
}

/** Theme, clock and time zone. */
export function DisplaySection() {
    const {me} = useAppState();
    const prefs = usePrefs();
    const [error, setError] = useState('');
    const [saved, setSaved] = useState('');
    // Shown at once, saved after: the box does not flick back while the server answers.
    const [auto, setAuto] = useState<boolean | null>(null);
    const run = (what: string, work: () => Promise<void>) => {
        setError('');
        setSaved('');
        work().then(() => setSaved(`${what} saved.`), (err) => setError(errorText(err)));
    };
    if (!me) {
        return null;
    }
    const tz = me.timezone || {useAutomaticTimezone: 'true', automaticTimezone: '', manualTimezone: ''};
    const automatic = auto ?? String(tz.useAutomaticTimezone) !== 'false';
    const zones = allTimezones();
    return (
        <div aria-label="Display">
            <fieldset>
                <legend>Theme</legend>
                {(['light', 'dark'] as ThemeKind[]).map((kind) => (
                    <label class="check" key={kind}>
                        <input type="radio" name="theme" checked={prefs.theme === kind} onChange={() => run('Theme', () => setTheme(kind))} />
                        {kind === 'light' ? 'Light' : 'Dark'}
                    </label>
                ))}
            </fieldset>
            <fieldset>
                <legend>Clock</legend>
                <label class="check"><input type="radio" name="clock" checked={!prefs.militaryTime} onChange={() => run('Clock', () => setMilitaryTime(false))} /> 12-hour (9:30 PM)</label>
                <label class="check"><input type="radio" name="clock" checked={prefs.militaryTime} onChange={() => run('Clock', () => setMilitaryTime(true))} /> 24-hour (21:30)</label>
            </fieldset>
            <fieldset>
                <legend>Join/Leave messages</legend>
                <label class="check"><input type="radio" name="join-leave" checked={prefs.joinLeave} onChange={() => run('Join/Leave messages', () => setJoinLeave(true))} /> Shown</label>
                <label class="check"><input type="radio" name="join-leave" checked={!prefs.joinLeave} onChange={() => run('Join/Leave messages', () => setJoinLeave(false))} /> Hidden</label>
            </fieldset>
            <fieldset>
                <legend>Time zone</legend>
                <label class="check">
                    <input type="checkbox" checked={automatic} onChange={(e) => {
                        const on = (e.currentTarget as HTMLInputElement).checked;
                        setAuto(on);
                        run('Time zone', () => setTimezone({useAutomaticTimezone: String(on), automaticTimezone: browserTimezone(), manualTimezone: String(tz.manualTimezone || browserTimezone())}));
                    }} /> Automatic ({browserTimezone()})
                </label>
                {!automatic && (
                    <label>Time zone
                        <select aria-label="Time zone" value={String(tz.manualTimezone || browserTimezone())} onChange={(e) => {
                            const zone = (e.currentTarget as HTMLSelectElement).value;
                            run('Time zone', () => setTimezone({useAutomaticTimezone: 'false', automaticTimezone: String(tz.automaticTimezone || ''), manualTimezone: zone}));
                        }}>
                            {zones.map((zone) => <option key={zone} value={zone}>{zone.replace(/_/g, ' ')}</option>)}
                        </select>
                    </label>
                )}
            </fieldset>
            {error && <p class="error" role="alert">{error}</p>}
            {saved && <p class="muted" role="status">{saved}</p>}
        </div>
    );
}
