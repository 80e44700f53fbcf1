import { runActionEntry } from '../toolkit/entry.js';

await runActionEntry(() => import('./main.js'));
