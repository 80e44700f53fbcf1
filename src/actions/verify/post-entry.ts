import { runActionEntry } from '../toolkit/entry.js';

await runActionEntry(() => import('./post.js'));
