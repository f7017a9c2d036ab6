import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app')!;
// The page's « Chargement… » (shown before the script runs) gives way to the application.
root.textContent = '';
render(<App />, root);
