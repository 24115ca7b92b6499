import {render} from 'preact';
import {App} from './components/App';
import {boot} from './session';
import './styles.css';

render(<App />, document.getElementById('app')!);
void boot();
