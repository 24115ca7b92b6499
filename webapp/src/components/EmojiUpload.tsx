import {useState} from 'preact/hooks';
import {errorText} from '../client';
import {uploadEmoji} from '../customEmoji';
import {setState} from '../store';

const close = () => setState({overlay: ''});

/** Add a custom emoji: a name and an image; what the server refuses is shown here. */
export function EmojiUpload() {
    const [error, setError] = useState('');
    const [busy, setBusy] = useState(false);
    const submit = async (event: Event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget as HTMLFormElement);
        const name = String(form.get('name') || '').trim().replace(/^:|:$/g, '');
        const image = form.get('image');
        if (!(image instanceof File) || !image.size) {
            setError('Choose an image.');
            return;
        }
        setBusy(true);
        setError('');
        try {
            await uploadEmoji(name, image);
            close();
        } catch (err) {
            setError(errorText(err));
        } finally {
            setBusy(false);
        }
    };
    return (
        <form onSubmit={submit} aria-label="Add custom emoji">
            <h3>Add custom emoji</h3>
            <label>Name<input name="name" required maxLength={64} autoFocus placeholder="party_hat" /></label>
            <label>Image<input name="image" type="file" accept="image/png,image/jpeg,image/gif" /></label>
            <p class="muted small">PNG, JPEG or GIF; it is shown at emoji size.</p>
            {error && <p class="error" role="alert">{error}</p>}
            <div class="buttons">
                <button type="button" onClick={close}>Cancel</button>
                <button class="primary" type="submit" disabled={busy}>Save</button>
            </div>
        </form>
    );
}
