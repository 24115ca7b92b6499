import {render} from 'preact';
import {NETWORK_ERROR, errorText} from './client';
import {App} from './components/App';
import {boot} from './session';
import './styles.css';

// A file dropped outside a drop zone must not replace the app with the file.
for (const name of ['dragover', 'drop']) {
    window.addEventListener(name, (event) => event.preventDefault());
}

// A background request (a resync, a presence poll, a read mark) that the network failed
// is not a fault of the page: what people asked for says so in its own place, and the
// socket's reconnect reloads what matters. Any other unhandled rejection stays loud.
window.addEventListener('unhandledrejection', (event) => {
    if (errorText(event.reason) === NETWORK_ERROR) {
        event.preventDefault();
        console.warn('a background request failed: the network is down');
    }
});

render(<App />, document.getElementById('app')!);
void boot();
