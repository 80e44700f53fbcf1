/**
 * RFC 7235 WWW-Authenticate challenges, e.g.
 *   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"
 * One header may carry several challenges separated by commas, and parameter values may be quoted
 * strings containing commas (scopes do), so a split on ',' is not enough.
 */

export interface Challenge {
  /** Lowercased: 'basic', 'bearer', … */
  scheme: string;
  /** Parameter names lowercased, values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < header.length && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const readToken = (): string | undefined => {
    const m = TOKEN.exec(header.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let out = '';
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < header.length) i++;
      out += header[i];
      i++;
    }
    i++; // closing quote (or end of input for a truncated header)
    return out;
  };
  let current: Challenge | undefined;
  while (i < header.length) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    const start = i;
    const word = readToken();
    if (word === undefined) {
      i++; // not a token character: skip it rather than loop forever on garbage
      continue;
    }
    skipSpace();
    if (header[i] === '=' && current) {
      i++;
      skipSpace();
      const value = header[i] === '"' ? readQuoted() : (readToken() ?? '');
      current.params[word.toLowerCase()] = value;
      continue;
    }
    if (header[i] === '=' && !current) {
      // A parameter before any scheme: malformed, skip its value.
      i = start + word.length + 1;
      continue;
    }
    // A new scheme. A token68 credential may follow (we never need it); skip to the next comma.
    current = { scheme: word.toLowerCase(), params: {} };
    challenges.push(current);
    const rest = /^[A-Za-z0-9._~+/-]+=*\s*(,|$)/.exec(header.slice(i));
    if (rest && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=[^=]/.test(header.slice(i))) i += rest[0].length;
  }
  return challenges;
}
