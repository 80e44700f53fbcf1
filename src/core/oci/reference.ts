/**
 * Image references (`registry/repository:tag@digest`) with Docker's normalisation: no registry means
 * Docker Hub, and a one-part Hub name lives under `library/`. The grammar is the one registries
 * enforce (distribution's reference package), so a reference we accept is one a registry accepts.
 */
import { isDigest } from './digest.js';

export interface ImageReference {
  /** host[:port] as written (docker.io for Docker Hub). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** Docker Hub's API endpoint differs from its name. */
export const DOCKER_HUB_API = 'registry-1.docker.io';

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const MAX_NAME = 255;

export class ImageReferenceError extends Error {
  override name = 'ReferenceError';
}

function looksLikeDomain(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[') || first !== first.toLowerCase();
}

export function parseImageReference(text: string): ImageReference {
  const bad = (why: string) => new ImageReferenceError(`invalid image reference '${text}': ${why}`);
  if (text.length === 0) throw bad('it is empty');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw bad(`'${digest}' is not a digest (expected algorithm:hex, e.g. sha256:…)`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`tag '${tag}' must be 1-128 of letters, digits, '_', '.', '-' and not start with '.' or '-'`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeDomain(parts[0]!)) {
    registry = parts.shift()!;
    if (!DOMAIN.test(registry)) throw bad(`'${registry}' is not a registry host[:port]`);
    const port = /:(\d+)$/.exec(registry)?.[1];
    if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) throw bad(`port ${port} is not a TCP port (1-65535)`);
  }
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  for (const p of parts) {
    if (!PATH_COMPONENT.test(p)) {
      throw bad(p === '' ? 'the repository name is missing or has an empty path component' : `'${p}' must be lowercase letters and digits, separated by '.', '_', '__' or '-'`);
    }
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (repository.length > MAX_NAME) throw bad(`the repository name is longer than ${MAX_NAME} characters`);
  const ref: ImageReference = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The host that speaks the distribution API for a registry name. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
