/**
 * Every alias of a parsed YAML document resolved in one walk, and a bound on how many there may be.
 *
 * Why not yaml's Alias.resolve(doc): without a toJS context it visits the whole document for each
 * alias to find "the last instance of the source anchor before this node" (eemeli/yaml,
 * src/nodes/Alias.ts, v2.9), so a file of n aliases costs n × (size of the file) — a 150 KB file of
 * 10,000 aliases took 8 s to validate and a larger one ran for minutes. One visit in document order
 * gives the same answer for every alias at once.
 */
import { isAlias, isCollection, isScalar, visit, type Alias, type Document, type Node } from 'yaml';

/**
 * A hand-written build file uses a handful of anchors; tens of thousands are a resource-exhaustion
 * attempt, not configuration. yaml's own toJS guard (maxAliasCount, default 100) weighs aliases by
 * what they expand to; here the walker bounds the expansion separately, so this counts alias nodes.
 */
export const MAX_ALIASES = 10_000;

export interface AliasTable {
  /** The anchored node an alias stands for, or null when no anchor of that name precedes it. */
  target(alias: Alias): Node | null;
  /** How many alias nodes the document holds. */
  readonly count: number;
  /** The first alias past MAX_ALIASES, when there are too many. */
  readonly overflowAt?: Alias;
}

export function resolveAliases(doc: Document.Parsed, maxAliases = MAX_ALIASES): AliasTable {
  const latest = new Map<string, Node>();
  const targets = new Map<Alias, Node | null>();
  let count = 0;
  let overflowAt: Alias | undefined;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        count += 1;
        if (count > maxAliases) {
          overflowAt = node;
          return visit.BREAK;
        }
        targets.set(node, latest.get(node.source) ?? null);
      } else if ((isScalar(node) || isCollection(node)) && node.anchor) {
        latest.set(node.anchor, node);
      }
      return undefined;
    },
  });
  return {
    target: (alias) => targets.get(alias) ?? null,
    count,
    overflowAt,
  };
}
