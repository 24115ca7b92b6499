import {render} from 'preact';
import {App} from './components/App';
import {boot} from './session';
import './styles.css';

// A file dropped outside a drop zone must not replace the app with the file.
for (const name of ['dragover', 'drop']) {
    window.addEventListener(name, (event) => event.preventDefault());
}

render(<App />, document.getElementById('app')!);
void boot();
