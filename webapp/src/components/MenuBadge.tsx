import {useMenuSignals} from '../title';

/** On the phone layout's ☰ button: mentions elsewhere (a red count) or unread (a dot). */
export function MenuBadge() {
    const {mentions, unread} = useMenuSignals();
    if (mentions) {
        return <span class="menu-badge" data-testid="menu-badge" aria-label={`${mentions} mentions`}>{mentions}</span>;
    }
    return unread ? <span class="menu-badge dot-only" data-testid="menu-badge" aria-label="Unread messages" /> : null;
}
