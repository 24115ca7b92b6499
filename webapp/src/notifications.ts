// Desktop notifications for mentions and direct messages, through the browser's
// Notification API. Permission is asked only from a click (browsers ignore or punish
// asking on page load); the choice to use them is kept per person in this browser.
import type {Post} from '@mattermost/types/posts';
import {getState} from './store';

const BODY_LIMIT = 200;

function key(): string {
    return `roost.notify.${getState().me?.id || ''}`;
}

export function notificationsSupported(): boolean {
    return typeof window.Notification === 'function';
}

export function notificationsOn(): boolean {
    return notificationsSupported() && Notification.permission === 'granted' && localStorage.getItem(key()) === '1';
}

/** Call from a click: asks the browser's permission, then turns notifications on. */
export async function enableNotifications(): Promise<boolean> {
    if (!notificationsSupported()) {
        return false;
    }
    const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (permission !== 'granted') {
        return false;
    }
    localStorage.setItem(key(), '1');
    return true;
}

export function disableNotifications(): void {
    localStorage.removeItem(key());
}

/** Whether a post calls for a desktop notification, by my preferences as Mattermost
 * reads them: the channel's desktop level (or my account's when "default"), nothing
 * from a muted channel or while I am in do not disturb. */
export function wantsDesktop(post: Post, mentioned: boolean, direct: boolean): boolean {
    const s = getState();
    const member = s.members[post.channel_id];
    const channelLevel = member?.notify_props?.desktop || 'default';
    const level = channelLevel === 'default' ? (s.me?.notify_props?.desktop || 'mention') : channelLevel;
    if (level === 'none' || member?.notify_props?.mark_unread === 'mention' || (s.me && s.statuses[s.me.id] === 'dnd')) {
        return false;
    }
    return level === 'all' || mentioned || direct;
}

/** Notify about a post (wantsDesktop said so), unless I am looking at it. */
export function notifyAboutPost(post: Post, channelTitle: string, senderName: string, open: () => void): void {
    const s = getState();
    if (!notificationsOn() || post.user_id === s.me?.id) {
        return;
    }
    const looking = document.visibilityState === 'visible' && document.hasFocus() && s.view === 'channel' && s.channelId === post.channel_id;
    if (looking) {
        return;
    }
    const body = post.message.length > BODY_LIMIT ? `${post.message.slice(0, BODY_LIMIT)}…` : post.message;
    const notification = new Notification(`${senderName} in ${channelTitle}`, {body: body || 'sent a file', tag: post.id});
    notification.onclick = () => {
        window.focus();
        open();
        notification.close();
    };
}
