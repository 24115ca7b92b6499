import {useEffect} from 'preact/hooks';
import {getState, setState} from '../store';

/** Ctrl/Cmd+K opens the channel switcher; Escape closes overlays and the right panel. */
export function useShortcuts(): void {
    useEffect(() => {
        const onKey = (event: KeyboardEvent) => {
            if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
                event.preventDefault();
                if (getState().me) {
                    setState({overlay: getState().overlay === 'switcher' ? '' : 'switcher'});
                }
            } else if (event.key === 'Escape' && getState().overlay) {
                setState({overlay: ''});
            }
        };
        window.addEventListener('keydown', onKey);
        return () => window.removeEventListener('keydown', onKey);
    }, []);
}
