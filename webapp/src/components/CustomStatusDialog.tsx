import {useState} from 'preact/hooks';
import {errorText} from '../client';
import {DURATIONS, clearCustomStatus, customStatusOf, setCustomStatus} from '../customStatus';
import {setState, useAppState} from '../store';
import {Emoji} from './Emoji';
import {EmojiPicker} from './EmojiPicker';

const close = () => setState({overlay: ''});

/** Set my custom status (emoji, text, how long), or clear it. */
export function CustomStatusDialog() {
    const {me} = useAppState();
    const current = customStatusOf(me || undefined);
    const [emoji, setEmoji] = useState(current?.emoji || 'speech_balloon');
    const [text, setText] = useState(current?.text || '');
    const [duration, setDuration] = useState<string>(current?.duration || 'today');
    const [picking, setPicking] = useState(false);
    const [error, setError] = useState('');
    const run = (action: () => Promise<void>) => async (event?: Event) => {
        event?.preventDefault();
        setError('');
        try {
            await action();
            close();
        } catch (err) {
            setError(errorText(err));
        }
    };
    return (
        <form onSubmit={run(() => setCustomStatus(emoji, text.trim(), duration))} aria-label="Set a status" class="custom-status-form">
            <h3>Set a status</h3>
            <div class="status-line">
                <button type="button" class="status-emoji" aria-label="Choose an emoji" onClick={() => setPicking(!picking)}><Emoji name={emoji} /></button>
                <input aria-label="Status" placeholder="What's your status?" value={text} maxLength={100} autoFocus
                    onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
                {picking && <EmojiPicker onPick={(name) => { setEmoji(name); setPicking(false); }} onClose={() => setPicking(false)} />}
            </div>
            <label>Clear after
                <select value={duration} onChange={(e) => setDuration((e.currentTarget as HTMLSelectElement).value)}>
                    {DURATIONS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
                </select>
            </label>
            {error && <p class="error" role="alert">{error}</p>}
            <div class="buttons">
                {current && <button type="button" onClick={run(clearCustomStatus)}>Clear status</button>}
                <button type="button" onClick={close}>Cancel</button>
                <button class="primary" type="submit" disabled={!text.trim() && !emoji}>Set status</button>
            </div>
        </form>
    );
}
