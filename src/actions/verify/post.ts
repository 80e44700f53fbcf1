/**
 * verify's post step: the same as the whole-build action's — a main step killed outright leaves
 * its temp folder, whatever still runs from it, and on kubevirt the run's cluster objects.
 */
export { run } from '../build/post.js';
