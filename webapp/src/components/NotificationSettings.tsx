import {useEffect, useState} from 'preact/hooks';
import {isMuted, patchNotifyProps, setChannelNotifyProps, setDoNotDisturb} from '../account';
import {client, errorText} from '../client';
import {disableNotifications, enableNotifications, notificationsOn, notificationsSupported} from '../notifications';
import {preferenceValue, savePreference} from '../prefs';
import {useAppState} from '../store';
import {closePanel} from '../ui';
import {channelTitle} from '../users';

const LEVELS: [string, string][] = [['all', 'All new messages'], ['mention', 'Mentions and direct messages'], ['none', 'Nothing']];
// The "notifications"/"email_interval" preference, in seconds as Mattermost's apps write it.
const EMAIL_INTERVALS: [string, string][] = [['30', 'Immediately'], ['900', 'Every 15 minutes'], ['3600', 'Every hour']];
const DND_CHOICES: [string, number][] = [['30 minutes', 30], ['1 hour', 60], ['4 hours', 240], ['Until I turn it off', 0]];

function Choice({name, label, value, options}: {name: string; label: string; value: string; options: [string, string][]}) {
    return (
        <fieldset>
            <legend>{label}</legend>
            {options.map(([v, text]) => (
                <label class="check" key={v}><input type="radio" name={name} value={v} defaultChecked={value === v} /> {text}</label>
            ))}
        </fieldset>
    );
}

/** My notification preferences: the user's notify_props, email batching, do not disturb. */
export function NotificationSettings() {
    const {me} = useAppState();
    const [interval, setEmailInterval] = useState<string | null>(null);
    const [batching, setBatching] = useState(false);
    const [error, setError] = useState('');
    const [saved, setSaved] = useState(false);
    useEffect(() => {
        // Without the server's email batching every email goes at once, whatever is set.
        void Promise.all([
            client.getClientConfig().then((config) => (config as unknown as Record<string, string>).EnableEmailBatching === 'true', () => false),
            preferenceValue('notifications', 'email_interval').catch(() => ''),
        ]).then(([on, value]) => {
            setBatching(on);
            setEmailInterval(on ? value || '900' : '30');
        });
    }, []);
    if (!me || interval === null) {
        return <p class="muted">Loading…</p>;
    }
    const props = me.notify_props as unknown as Record<string, string>;
    const save = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        const value = (name: string) => String(form.get(name) || '');
        const keys = value('mention_keys').split(',').map((k) => k.trim()).filter(Boolean);
        setError('');
        setSaved(false);
        try {
            await patchNotifyProps({
                desktop: value('desktop'),
                desktop_sound: String(form.get('desktop_sound') === 'on'),
                push: value('push'),
                push_status: value('push_status'),
                email: String(value('email_interval') !== 'never'),
                first_name: String(form.get('first_name') === 'on'),
                channel: String(form.get('channel') === 'on'),
                mention_keys: [...new Set(keys)].join(','),
                comments: value('comments'),
            });
            if (batching && value('email_interval') !== 'never') {
                await savePreference('notifications', 'email_interval', value('email_interval'));
            }
            setSaved(true);
        } catch (err) {
            setError(errorText(err));
        }
    };
    const emailChoice = props.email === 'false' ? 'never' : interval;
    return (
        <div aria-label="Notifications">
            <BrowserNotifications />
            <DoNotDisturb />
            <form onSubmit={save} aria-label="Notification preferences">
                <Choice name="desktop" label="Desktop notifications for" value={props.desktop || 'mention'} options={LEVELS} />
                <label class="check"><input type="checkbox" name="desktop_sound" defaultChecked={props.desktop_sound !== 'false'} /> Play a sound</label>
                <Choice name="push" label="Mobile push notifications for" value={props.push || 'mention'} options={LEVELS} />
                <Choice name="push_status" label="Send push notifications when I am" value={props.push_status || 'away'}
                    options={[['online', 'Online, away or offline'], ['away', 'Away or offline'], ['offline', 'Offline']]} />
                <Choice name="email_interval" label="Email notifications" value={emailChoice}
                    options={[...(batching ? EMAIL_INTERVALS : EMAIL_INTERVALS.slice(0, 1)), ['never', 'Never']]} />
                <fieldset>
                    <legend>Words that mention me</legend>
                    <label class="check"><input type="checkbox" name="first_name" defaultChecked={props.first_name === 'true'} disabled={!me.first_name} /> My first name{me.first_name ? ` (${me.first_name})` : ' (not set)'}</label>
                    <label class="check"><input type="checkbox" name="channel" defaultChecked={props.channel !== 'false'} /> Channel-wide mentions (@channel, @all, @here)</label>
                    <label>Other words, separated by commas<input name="mention_keys" defaultValue={props.mention_keys || ''} maxLength={1024} /></label>
                </fieldset>
                <Choice name="comments" label="Replies" value={props.comments || 'never'}
                    options={[['any', 'Any reply in threads I started or replied to'], ['root', 'Replies to threads I started'], ['never', 'Only when mentioned']]} />
                {error && <p class="error" role="alert">{error}</p>}
                {saved && <p class="muted" role="status">Saved.</p>}
                <div class="buttons"><button class="primary" type="submit">Save notification preferences</button></div>
            </form>
        </div>
    );
}

/** This browser's desktop notifications (the Notification API's permission). */
function BrowserNotifications() {
    const [notify, setNotify] = useState(notificationsOn());
    const [note, setNote] = useState('');
    const toggle = async () => {
        if (notify) {
            disableNotifications();
            setNotify(false);
            return;
        }
        const on = await enableNotifications();
        setNotify(on);
        setNote(on ? '' : 'The browser did not allow notifications for this site.');
    };
    return (
        <section aria-label="Desktop notifications in this browser">
            <h4>Desktop notifications</h4>
            {notificationsSupported() ? (
                <p>
                    {notify ? 'On in this browser. ' : 'Off in this browser. '}
                    <button onClick={() => void toggle()}>{notify ? 'Turn off' : 'Turn on'}</button>
                </p>
            ) : <p class="muted">This browser cannot show notifications.</p>}
            {note && <p class="error" role="alert">{note}</p>}
        </section>
    );
}

function DoNotDisturb() {
    const {me, statuses} = useAppState();
    const [error, setError] = useState('');
    const on = me ? statuses[me.id] === 'dnd' : false;
    const choose = (minutes: number) => {
        setError('');
        setDoNotDisturb(minutes ? Date.now() + minutes * 60_000 : 0).catch((err) => setError(errorText(err)));
    };
    return (
        <section aria-label="Do not disturb">
            <h4>Do not disturb</h4>
            <p class="muted small">{on ? 'On: notifications are held back.' : 'Off.'} Change it back from the status menu under your name.</p>
            <div class="inline">
                {DND_CHOICES.map(([label, minutes]) => <button key={label} onClick={() => choose(minutes)}>{label}</button>)}
            </div>
            {error && <p class="error" role="alert">{error}</p>}
        </section>
    );
}

/** One channel's notification preferences for me (its membership's notify_props). */
export function ChannelNotifyDialog() {
    const s = useAppState();
    const channel = s.channels[s.channelId];
    const member = s.members[s.channelId];
    const [error, setError] = useState('');
    if (!channel || !member) {
        return null;
    }
    const props = (member.notify_props || {}) as unknown as Record<string, string>;
    const levels: [string, string][] = [['default', 'Default (my account setting)'], ...LEVELS];
    const save = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        const value = (name: string) => String(form.get(name) || '');
        setError('');
        try {
            await setChannelNotifyProps(channel.id, {
                mark_unread: form.get('mute') === 'on' ? 'mention' : 'all',
                ignore_channel_mentions: form.get('ignore_channel_mentions') === 'on' ? 'on' : 'off',
                desktop: value('desktop'),
                push: value('push'),
                email: value('email'),
            });
            closePanel();
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <form onSubmit={save} aria-label="Channel notification preferences">
            <h3>Notifications for {channelTitle(channel)}</h3>
            <label class="check"><input type="checkbox" name="mute" defaultChecked={isMuted(member)} /> Mute the channel (unread only for mentions, no notifications)</label>
            <label class="check"><input type="checkbox" name="ignore_channel_mentions" defaultChecked={props.ignore_channel_mentions === 'on'} /> Ignore @channel, @here and @all</label>
            <Choice name="desktop" label="Desktop notifications" value={props.desktop || 'default'} options={levels} />
            <Choice name="push" label="Mobile push notifications" value={props.push || 'default'} options={levels} />
            <Choice name="email" label="Email notifications" value={props.email || 'default'} options={[['default', 'Default (my account setting)'], ['all', 'On'], ['none', 'Off']]} />
            {error && <p class="error" role="alert">{error}</p>}
            <div class="buttons">
                <button type="button" onClick={closePanel}>Cancel</button>
                <button class="primary" type="submit">Save</button>
            </div>
        </form>
    );
}
