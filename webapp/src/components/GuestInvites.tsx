import {useEffect, useState} from 'preact/hooks';
import {errorText} from '../client';
import {canInviteGuests, guestErrorField, inviteGuests, type GuestField} from '../guestInvites';
import {MAX_EMAIL_INVITES, parseEmails} from '../invites';
import {useAppState} from '../store';
import './messaging.css';

const MAX_MESSAGE = 4000;

type Errors = Partial<Record<GuestField, string>>;

/** The Invite dialog's guest invitations: addresses, the channels the guests will be
 * in (mine in this team), a note for the email. Only for whoever may invite guests on
 * a server with guest accounts on; nothing otherwise. */
export function GuestInvites({teamId}: {teamId: string}) {
    const [allowed, setAllowed] = useState(false);
    useEffect(() => {
        let current = true;
        setAllowed(false);
        canInviteGuests(teamId).then((ok) => current && setAllowed(ok), () => undefined);
        return () => {
            current = false;
        };
    }, [teamId]);
    return allowed ? <GuestForm teamId={teamId} /> : null;
}

function GuestForm({teamId}: {teamId: string}) {
    const s = useAppState();
    const [text, setText] = useState('');
    const [picked, setPicked] = useState<string[]>([]);
    const [message, setMessage] = useState('');
    const [errors, setErrors] = useState<Errors>({});
    const [note, setNote] = useState('');
    const [busy, setBusy] = useState(false);
    // Guests join channels that I can add them to: my open and private ones in the team.
    const channels = Object.values(s.channels)
        .filter((c) => c.team_id === teamId && (c.type === 'O' || c.type === 'P') && !c.delete_at && s.members[c.id])
        .sort((a, b) => a.display_name.localeCompare(b.display_name));
    const send = async (event: Event) => {
        event.preventDefault();
        const emails = parseEmails(text);
        const found: Errors = {};
        if (!emails.length) {
            found.emails = 'Enter at least one email address.';
        } else if (emails.length > MAX_EMAIL_INVITES) {
            found.emails = `At most ${MAX_EMAIL_INVITES} addresses at a time.`;
        }
        if (!picked.length) {
            found.channels = 'Choose at least one channel.';
        }
        setErrors(found);
        setNote('');
        if (Object.keys(found).length) {
            return;
        }
        setBusy(true);
        try {
            await inviteGuests(teamId, emails, picked, message.trim());
            setNote(`Guest invitation sent to ${emails.join(', ')}.`);
            setText('');
            setMessage('');
        } catch (err) {
            setErrors({[guestErrorField(err)]: errorText(err)});
        } finally {
            setBusy(false);
        }
    };
    const toggle = (id: string, on: boolean) => setPicked((now) => (on ? [...now, id] : now.filter((x) => x !== id)));
    return (
        <form aria-label="Invite guests" onSubmit={send} noValidate>
            <h4>Invite guests</h4>
            <p class="muted small">Guests see only the channels they are invited to, and the people in them.</p>
            <label>Guest email addresses
                <textarea name="guest-emails" rows={2} value={text} aria-invalid={errors.emails ? 'true' : undefined}
                    aria-describedby={errors.emails ? 'guest-emails-error' : undefined}
                    onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
            </label>
            {errors.emails && <p class="field-error" id="guest-emails-error" role="alert">{errors.emails}</p>}
            <fieldset class="channel-picks"
                aria-describedby={errors.channels ? 'guest-channels-error' : undefined}>
                <legend>Channels the guests join</legend>
                {!channels.length && <p class="muted small">You are in no channel of this team to invite guests to.</p>}
                {channels.map((c) => (
                    <label key={c.id}>
                        <input type="checkbox" checked={picked.includes(c.id)} onChange={(e) => toggle(c.id, (e.currentTarget as HTMLInputElement).checked)} />
                        {c.type === 'P' ? '🔒' : '#'} {c.display_name}
                    </label>
                ))}
            </fieldset>
            {errors.channels && <p class="field-error" id="guest-channels-error" role="alert">{errors.channels}</p>}
            <label>Message (optional)
                <textarea name="guest-message" rows={2} maxLength={MAX_MESSAGE} value={message} aria-invalid={errors.message ? 'true' : undefined}
                    aria-describedby={errors.message ? 'guest-message-error' : undefined}
                    onInput={(e) => setMessage((e.currentTarget as HTMLTextAreaElement).value)} />
            </label>
            {errors.message && <p class="field-error" id="guest-message-error" role="alert">{errors.message}</p>}
            {errors[''] && <p class="error" role="alert">{errors['']}</p>}
            {note && <p class="muted small" role="status">{note}</p>}
            <button class="primary" type="submit" disabled={busy}>Invite as guests</button>
        </form>
    );
}
