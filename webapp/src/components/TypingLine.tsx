import {useAppState} from '../store';

export function TypingLine({channelId, rootId}: {channelId: string; rootId: string}) {
    const s = useAppState();
    const typists = (s.typing[`${channelId}:${rootId}`] || []).map((t) => s.users[t.userId]?.username || 'Someone');
    let text = '';
    if (typists.length === 1) {
        text = `${typists[0]} is typing…`;
    } else if (typists.length > 1) {
        text = `${typists.slice(0, -1).join(', ')} and ${typists[typists.length - 1]} are typing…`;
    }
    return <div class="typing" aria-live="polite" data-testid="typing">{text}</div>;
}
