/** Entry point of the web UI: keeps `?token=…` for this tab, then renders the app. */
import { html, render } from 'htm/preact';
import { App } from './app.js';
import { captureToken } from './lib/token.js';

captureToken();
const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
render(html`<${App} />`, root);
