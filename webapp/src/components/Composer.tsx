import type {FileInfo} from '@mattermost/types/files';
import {useEffect, useRef, useState} from 'preact/hooks';
import {client, errorText, socket} from '../client';
import {sendPost} from '../posts';
import {getState, setState} from '../store';

const TYPING_EVERY_MS = 2000;
/** The server takes at most this many files on one post. */
export const MAX_FILES_PER_POST = 10;

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

    const upload = async (list: FileList | File[] | null | undefined) => {
        const chosen = Array.from(list || []);
        if (!chosen.length) {
            return;
        }
        if (files.length + uploading + chosen.length > MAX_FILES_PER_POST) {
            setError(`At most ${MAX_FILES_PER_POST} files on one message.`);
            return;
        }
        setError('');
        setUploading((n) => n + chosen.length);
        try {
            for (const file of chosen) {
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

    useFileDrop(area, upload);

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
                    onPaste={(e) => {
                        const pasted = Array.from(e.clipboardData?.files || []);
                        if (pasted.length) {
                            // Pasted files (a screenshot, say) upload; pasted text stays text.
                            e.preventDefault();
                            void upload(pasted);
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

/** Files dropped anywhere on the channel (or the thread panel) this composer writes to. */
function useFileDrop(area: {current: HTMLTextAreaElement | null}, upload: (files: File[]) => Promise<void>): void {
    const latest = useRef(upload);
    latest.current = upload;
    useEffect(() => {
        const zone = area.current?.closest<HTMLElement>('.channel, .rhs');
        if (!zone) {
            return;
        }
        let depth = 0;
        const carriesFiles = (e: DragEvent) => Boolean(e.dataTransfer?.types.includes('Files'));
        const onEnter = (e: DragEvent) => {
            if (carriesFiles(e)) {
                depth++;
                zone.classList.add('dragging');
            }
        };
        const onLeave = (e: DragEvent) => {
            if (carriesFiles(e) && --depth <= 0) {
                depth = 0;
                zone.classList.remove('dragging');
            }
        };
        const onOver = (e: DragEvent) => {
            if (carriesFiles(e)) {
                e.preventDefault(); // allows the drop
            }
        };
        const onDrop = (e: DragEvent) => {
            depth = 0;
            zone.classList.remove('dragging');
            const dropped = Array.from(e.dataTransfer?.files || []);
            if (dropped.length) {
                e.preventDefault();
                void latest.current(dropped);
            }
        };
        zone.addEventListener('dragenter', onEnter);
        zone.addEventListener('dragleave', onLeave);
        zone.addEventListener('dragover', onOver);
        zone.addEventListener('drop', onDrop);
        return () => {
            zone.removeEventListener('dragenter', onEnter);
            zone.removeEventListener('dragleave', onLeave);
            zone.removeEventListener('dragover', onOver);
            zone.removeEventListener('drop', onDrop);
        };
    }, []);
}
