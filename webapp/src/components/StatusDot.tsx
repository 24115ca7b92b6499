import type {Presence} from '../store';

const LABELS: Record<Presence, string> = {online: 'Online', away: 'Away', dnd: 'Do not disturb', offline: 'Offline'};

export function statusLabel(status: Presence): string {
    return LABELS[status];
}

/** A person's presence as a coloured dot (offline when not known yet). */
export function StatusDot({status}: {status: Presence | undefined}) {
    const value = status || 'offline';
    return <span class={`presence ${value}`} data-status={value} title={LABELS[value]} role="img" aria-label={LABELS[value]} />;
}
