import type {Post} from '@mattermost/types/posts';
import type {UserProfile} from '@mattermost/types/users';
import {Component} from 'preact';
import {useState} from 'preact/hooks';
import {errorText} from '../client';
import {emojiFor} from '../emoji';
import {renderMarkdown} from '../markdown';
import {deletePost, editPost, toggleReaction} from '../posts';
import {setState, type Presence} from '../store';
import {openThread} from '../threads';
import {EmojiPicker} from './EmojiPicker';
import {Files} from './Files';
import {StatusDot} from './StatusDot';
import {clock} from './time';

type Props = {
    post: Post;
    continued: boolean;
    author: UserProfile | undefined;
    meId: string;
    editing: boolean;
    /** The author's presence. */
    status?: Presence;
    /** Shown inside the thread panel: no reply link. */
    inThread?: boolean;
};

/** Re-renders only when its own post, author or edit state changes. */
export class PostItem extends Component<Props> {
    shouldComponentUpdate(next: Props): boolean {
        const p = this.props;
        return next.post !== p.post || next.author !== p.author || next.editing !== p.editing || next.continued !== p.continued || next.meId !== p.meId || next.status !== p.status;
    }

    render() {
        return <PostView {...this.props} />;
    }
}

const fail = (err: unknown) => setState({error: errorText(err)});

function PostView({post, continued, author, meId, editing, status, inThread}: Props) {
    const [picking, setPicking] = useState(false);
    const mine = post.user_id === meId;
    const name = author?.username || '…';
    return (
        <article class={`post ${continued ? 'continued' : ''}`} data-post-id={post.id} data-testid="post">
            <div class="gutter">
                {continued ? <time class="hover-time">{clock(post.create_at)}</time> : (
                    <span class="avatar-wrap">
                        <img class="avatar" alt="" loading="lazy" width={32} height={32}
                            src={`/api/v4/users/${post.user_id}/image?_=${author?.last_picture_update || 0}`} />
                        <StatusDot status={status} />
                    </span>
                )}
            </div>
            <div class="body">
                {!continued && (
                    <header>
                        <strong class="author">{name}</strong>
                        <time dateTime={new Date(post.create_at).toISOString()}>{clock(post.create_at)}</time>
                    </header>
                )}
                {editing ? <EditBox post={post} /> : (
                    <div class="message" data-testid="message" dangerouslySetInnerHTML={{__html: renderMarkdown(post.message)}} />
                )}
                {post.edit_at > 0 && !editing && <span class="edited">(edited)</span>}
                <Files files={post.metadata?.files || []} />
                <Reactions post={post} meId={meId} onAdd={() => setPicking(true)} />
                {!inThread && !post.root_id && (post.reply_count || 0) > 0 && (
                    <button class="replies" onClick={() => void openThread(post.id).catch(fail)}>
                        {post.reply_count} {post.reply_count === 1 ? 'reply' : 'replies'}
                    </button>
                )}
            </div>
            <div class="actions">
                <button title="Add reaction" aria-label="Add reaction" onClick={() => setPicking(!picking)}>☺</button>
                {!inThread && <button title="Reply" aria-label="Reply" onClick={() => void openThread(post.root_id || post.id).catch(fail)}>↩</button>}
                {mine && <button title="Edit" aria-label="Edit" onClick={() => setState({editing: post.id})}>✎</button>}
                {mine && <button title="Delete" aria-label="Delete" onClick={() => {
                    if (window.confirm('Delete this message?')) {
                        void deletePost(post).catch(fail);
                    }
                }}>✕</button>}
            </div>
            {picking && <EmojiPicker onPick={(emoji) => {
                setPicking(false);
                void toggleReaction(post, emoji).catch(fail);
            }} onClose={() => setPicking(false)} />}
        </article>
    );
}

function EditBox({post}: {post: Post}) {
    const [text, setText] = useState(post.message);
    const save = async () => {
        const message = text.trim();
        setState({editing: ''});
        if (message && message !== post.message) {
            await editPost(post, message).catch(fail);
        }
    };
    return (
        <div class="edit-box">
            <textarea aria-label="Edit message" value={text} rows={Math.min(8, text.split('\n').length + 1)}
                ref={(el) => {
                    if (el && !el.dataset.focused) {
                        el.dataset.focused = '1';
                        el.focus();
                        el.setSelectionRange(text.length, text.length);
                    }
                }}
                onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
                onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.shiftKey) {
                        e.preventDefault();
                        void save();
                    } else if (e.key === 'Escape') {
                        setState({editing: ''});
                    }
                }} />
            <div class="hint">Enter to save, Escape to cancel</div>
        </div>
    );
}

function Reactions({post, meId, onAdd}: {post: Post; meId: string; onAdd: () => void}) {
    const reactions = post.metadata?.reactions || [];
    if (!reactions.length) {
        return null;
    }
    const byEmoji = new Map<string, string[]>();
    for (const r of reactions) {
        byEmoji.set(r.emoji_name, [...(byEmoji.get(r.emoji_name) || []), r.user_id]);
    }
    return (
        <div class="reactions">
            {[...byEmoji].map(([emoji, users]) => (
                <button key={emoji} class={`reaction ${users.includes(meId) ? 'mine' : ''}`} data-emoji={emoji} title={`:${emoji}:`}
                    onClick={() => void toggleReaction(post, emoji).catch(fail)}>
                    {emojiFor(emoji)} <span class="count">{users.length}</span>
                </button>
            ))}
            <button class="reaction add" aria-label="Add reaction" onClick={onAdd}>+</button>
        </div>
    );
}
