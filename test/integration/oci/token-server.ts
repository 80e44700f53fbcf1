/**
 * A token service for docker-registry's `auth: token` mode, the way Docker Hub, GHCR and Harbor
 * hand out bearer tokens: GET realm?service=…&scope=… with basic credentials returns a JWT (RS256,
 * the signing certificate in x5c) granting the asked actions. The registry trusts the certificate
 * through its rootcertbundle. Anonymous callers get pull only. Every request is recorded.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface TokenRequest {
  user?: string;
  scopes: string[];
  granted: boolean;
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  requests: TokenRequest[];
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startTokenServer(dir: string, users: Record<string, string>): Promise<TokenServer> {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=ruddervirt test token issuer'], {
    stdio: 'ignore',
  });
  const key = createPrivateKey(readFileSync(keyFile));
  const certDer = new X509Certificate(readFileSync(certFile)).raw;
  const service = 'ruddervirt-test-registry';
  const issuer = 'ruddervirt-test-issuer';
  const requests: TokenRequest[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scopes = url.searchParams.getAll('scope');
    let user: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [u, p] = Buffer.from(auth.slice(6), 'base64').toString().split(/:(.*)/s);
      if (u === undefined || users[u] !== p) {
        requests.push({ user: u, scopes, granted: false });
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'bad credentials' }));
        return;
      }
      user = u;
    }
    requests.push({ ...(user ? { user } : {}), scopes, granted: true });
    const access = scopes.map((s) => {
      const [type, name, actions] = s.split(':') as [string, string, string];
      const asked = (actions ?? '').split(',');
      return { type, name, actions: user ? asked : asked.filter((a) => a === 'pull') };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] };
    const claims = { iss: issuer, sub: user ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const token = `${signingInput}.${b64url(sign('sha256', Buffer.from(signingInput), key))}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
