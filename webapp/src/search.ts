// Message search, shown in the right-hand panel.
import {client} from './client';
import {rememberPosts} from './posts';
import {getState, setState} from './store';

export async function search(terms: string): Promise<void> {
    const trimmed = terms.trim();
    if (!trimmed) {
        return;
    }
    setState({rhs: {kind: 'search', terms: trimmed, ids: [], loading: true}});
    const result = await client.searchPostsWithParams(getState().teamId, {
        terms: trimmed,
        is_or_search: false,
        include_deleted_channels: false,
        page: 0,
        per_page: 30,
    } as Parameters<typeof client.searchPostsWithParams>[1]);
    rememberPosts(Object.values(result.posts));
    setState((s) => (s.rhs?.kind === 'search' && s.rhs.terms === trimmed ? {rhs: {kind: 'search', terms: trimmed, ids: result.order, loading: false}} : {}));
}
