// Unread signals outside the sidebar: the tab's title ("(3) Town Square - Team - Roost",
// "* ..." when there is unread without mentions, as Mattermost's), a dot on the tab's
// icon, and the count on the phone layout's menu button.
import {useEffect} from 'preact/hooks';
import {isMuted} from './account';
import {unreadOf} from './channels';
import {useSelector, type State} from './store';
import {channelTitle} from './users';

export type Signals = {mentions: number; unread: boolean};

/** Mentions and unread messages everywhere but the channel being looked at: this
 * team's channels, direct messages, and my other teams. Muted channels count only
 * their mentions. */
export function signalsOf(s: State): Signals {
    let mentions = 0;
    let unread = false;
    for (const channel of Object.values(s.channels)) {
        const member = s.members[channel.id];
        if ((channel.id === s.channelId && s.view === 'channel') || channel.delete_at || !member) {
            continue;
        }
        const counts = unreadOf(channel, member);
        mentions += counts.mentions;
        unread ||= counts.unread && !isMuted(member);
    }
    for (const [teamId, other] of Object.entries(s.teamUnreads)) {
        if (teamId !== s.teamId) {
            mentions += other.mentions;
            unread ||= other.unread;
        }
    }
    return {mentions, unread};
}

const pageTitle = (s: State): string => {
    const {mentions, unread} = signalsOf(s);
    const channel = s.channels[s.channelId];
    const team = s.teams.find((t) => t.id === s.teamId)?.display_name || '';
    const place = s.view === 'threads' ? 'Threads' : channel ? channelTitle(channel) : '';
    const prefix = mentions ? `(${mentions}) ` : unread ? '* ' : '';
    return place ? `${prefix}${place} - ${team} - Roost` : `${prefix}Roost`;
};

// The page's icon (index.html's), with a red dot for mentions or a white one for unread.
const ICON = "<circle cx='8' cy='8' r='7' fill='#c2410c'/>";
const MENTION_DOT = "<circle cx='12' cy='4' r='4' fill='#dc2626' stroke='#ffffff' stroke-width='1'/>";
const UNREAD_DOT = "<circle cx='12' cy='4' r='3' fill='#ffffff' stroke='#c2410c' stroke-width='1'/>";

function iconUrl(mark: string): string {
    return `data:image/svg+xml,${encodeURIComponent(`<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>${ICON}${mark}</svg>`)}`;
}

const iconMark = (s: State): string => {
    const {mentions, unread} = signalsOf(s);
    return mentions ? MENTION_DOT : unread ? UNREAD_DOT : '';
};

/** Keep document.title and the tab's icon in step with the state. */
export function useTitle(): void {
    const title = useSelector(pageTitle);
    const mark = useSelector(iconMark);
    useEffect(() => {
        document.title = title;
    }, [title]);
    useEffect(() => {
        const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
        if (link) {
            link.href = iconUrl(mark);
            link.dataset.unread = mark === MENTION_DOT ? 'mentions' : mark ? 'unread' : '';
        }
    }, [mark]);
}

const signalsKey = (s: State): string => {
    const {mentions, unread} = signalsOf(s);
    return `${mentions}:${unread}`;
};

/** The phone menu button's mark: a red count for mentions, a dot for unread. */
export function useMenuSignals(): Signals {
    const [mentions, unread] = useSelector(signalsKey).split(':');
    return {mentions: Number(mentions), unread: unread === 'true'};
}
