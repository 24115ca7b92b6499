import {useState} from 'preact/hooks';
import {isFavorite, setFavorite} from '../categories';
import {joinChannel} from '../channels';
import {errorText} from '../client';
import {openSaved} from '../saved';
import {setState, useAppState} from '../store';
import {channelTitle} from '../users';
import {renderMarkdown} from '../markdown';
import {search} from '../search';
import {BookmarksBar} from './Bookmarks';
import {ChannelMenu} from './ChannelMenu';
import {MenuBadge} from './MenuBadge';
import {Composer} from './Composer';
import {PostList} from './PostList';
import {TypingLine} from './TypingLine';

const fail = (err: unknown) => setState({error: errorText(err)});

export function ChannelView() {
    const s = useAppState();
    const channel = s.channels[s.channelId];
    const [terms, setTerms] = useState('');
    if (!channel) {
        return <div class="empty">{s.error ? '' : 'Loading…'}</div>;
    }
    const window = s.windows[channel.id];
    // Archived: read only for everyone. Not a member (an archived channel opened from
    // Browse channels): nothing of mine to favorite, leave or set up either.
    const archived = Boolean(channel.delete_at);
    const member = Boolean(s.members[channel.id]);
    return (
        <section class="channel" data-channel-id={channel.id}>
            <header class="channel-header">
                <button class="menu" aria-label="Channels" onClick={() => setState({sidebarOpen: !s.sidebarOpen})}>☰<MenuBadge /></button>
                <div class="title">
                    <h2>{channel.type === 'O' ? '# ' : channel.type === 'P' ? '🔒 ' : ''}{channelTitle(channel)}</h2>
                    {channel.header ? <div class="header-text muted" data-testid="channel-header-text" dangerouslySetInnerHTML={{__html: renderMarkdown(channel.header)}} />
                        : channel.purpose && <div class="header-text muted" data-testid="channel-header-text">{channel.purpose}</div>}
                </div>
                {member && s.categories.length > 0 && (isFavorite(s, channel.id)
                    ? <button class="icon-button favorite on" title="Unfavorite" aria-label="Unfavorite" onClick={() => void setFavorite(channel, false).catch(fail)}>★</button>
                    : <button class="icon-button favorite" title="Favorite" aria-label="Favorite" onClick={() => void setFavorite(channel, true).catch(fail)}>☆</button>)}
                {member && <ChannelMenu channel={channel} />}
                <button class="icon-button" title="Saved messages" aria-label="Saved messages" onClick={() => void openSaved().catch(fail)}>🔖</button>
                <form class="search" role="search" onSubmit={(e) => { e.preventDefault(); void search(terms); }}>
                    <input type="search" placeholder="Search" aria-label="Search messages" value={terms}
                        onInput={(e) => setTerms((e.currentTarget as HTMLInputElement).value)} />
                </form>
            </header>
            <BookmarksBar channelId={channel.id} />
            {window ? <PostList key={channel.id} channelId={channel.id} /> : <div class="post-list loading">Loading…</div>}
            {archived ? (
                <div class="archived-banner" role="status" data-testid="archived-banner">
                    You are viewing an <strong>archived channel</strong>. New messages cannot be posted.
                </div>
            ) : !member ? (
                // Read while archived, and restored meanwhile: it takes posts again, from members.
                <div class="archived-banner" role="status">
                    You are not a member of this channel. <button onClick={() => void joinChannel(channel).catch(fail)}>Join channel</button>
                </div>
            ) : (
                <>
                    <TypingLine channelId={channel.id} rootId="" />
                    <Composer key={channel.id} channelId={channel.id} rootId="" placeholder={`Write to ${channelTitle(channel)}`} />
                </>
            )}
        </section>
    );
}
