import type {FileInfo} from '@mattermost/types/files';
import {useRef, useState} from 'preact/hooks';
import {client, errorText, socket} from '../client';
import {sendPost} from '../posts';
import {getState, setState} from '../store';

const TYPING_EVERY_MS = 2000;

type Props = {channelId: string; rootId: string; placeholder: string};

export function Composer({channelId, rootId, placeholder}: Props) {
    const [text, setText] = useState('');
    const [files, setFiles] = useState<FileInfo[]>([]);
    const [uploading, setUploading] = useState(0);
    const [error, setError] = useState('');
    const lastTyping = useRef(0);
    const area = useRef<HTMLTextAreaElement>(null);

    const send = async () => {
        const message = text.trim();
        if ((!message && !files.length) || uploading) {
            return;
        }
        setText('');
        setFiles([]);
        setError('');
        try {
            await sendPost(channelId, rootId, message, files.map((f) => f.id));
        } catch (err) {
            setText(message);
            setError(errorText(err));
        }
    };

    const editLast = () => {
        const s = getState();
        const ids = rootId ? s.threadReplies[rootId] || [] : s.windows[channelId]?.order || [];
        const own = [...ids].reverse().find((id) => s.posts[id]?.user_id === s.me?.id);
        if (own) {
            setState({editing: own});
        }
    };

    const upload = async (list: FileList | null) => {
        if (!list?.length) {
            return;
        }
        setUploading((n) => n + list.length);
        try {
            for (const file of Array.from(list)) {
                const form = new FormData();
                form.append('channel_id', channelId);
                form.append('client_ids', `${Date.now()}${Math.random()}`);
                form.append('files', file, file.name);
                const result = await client.uploadFile(form);
                setFiles((current) => [...current, ...result.file_infos]);
                setUploading((n) => n - 1);
            }
        } catch (err) {
            setUploading(0);
            setError(errorText(err));
        }
    };

    return (
        <div class="composer">
            {error && <div class="error" role="alert">{error}</div>}
            {(files.length > 0 || uploading > 0) && (
                <div class="pending-files">
                    {files.map((f) => (
                        <span key={f.id} class="chip">{f.name} <button aria-label={`Remove ${f.name}`} onClick={() => setFiles(files.filter((x) => x.id !== f.id))}>×</button></span>
                    ))}
                    {uploading > 0 && <span class="chip muted">Uploading…</span>}
                </div>
            )}
            <div class="row">
                <label class="attach" title="Attach files">
                    +<input type="file" multiple aria-label="Attach files" onChange={(e) => {
                        const input = e.currentTarget as HTMLInputElement;
                        void upload(input.files).then(() => (input.value = ''));
                    }} />
                </label>
                <textarea ref={area} value={text} placeholder={placeholder} aria-label={rootId ? 'Reply' : 'Message'} rows={1}
                    data-testid={rootId ? 'reply-box' : 'message-box'}
                    style={{height: `${Math.min(10, Math.max(1, text.split('\n').length)) * 1.4 + 1}em`}}
                    onInput={(e) => {
                        setText((e.currentTarget as HTMLTextAreaElement).value);
                        const now = Date.now();
                        if (now - lastTyping.current > TYPING_EVERY_MS) {
                            lastTyping.current = now;
                            socket.userTyping(channelId, rootId);
                        }
                    }}
                    onKeyDown={(e) => {
                        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                            e.preventDefault();
                            void send();
                        } else if (e.key === 'ArrowUp' && !text) {
                            e.preventDefault();
                            editLast();
                        }
                    }} />
                <button class="send primary" onClick={() => void send()} aria-label="Send">Send</button>
            </div>
        </div>
    );
}
