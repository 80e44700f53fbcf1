/**
 * The harness's PKI, made with openssl at start: a CA (what a kubeconfig's
 * certificate-authority-data holds) and leaf certificates it signs for each TLS server — the API
 * server, CDI's upload proxy, export servers — with the DNS names and IPs clients will use.
 * EC P-256 keys: fast to make, accepted by Node's TLS and every Kubernetes client.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runTool } from '../../src/core/run-tool.js';

export interface ServerCertificate {
  cert: string;
  key: string;
}

export class CertificateAuthority {
  private serial = 1;

  private constructor(
    private readonly dir: string,
    readonly certPem: string,
    private readonly keyFile: string,
    private readonly certFile: string,
  ) {}

  static async create(dir: string): Promise<CertificateAuthority> {
    const keyFile = path.join(dir, 'ca.key');
    const certFile = path.join(dir, 'ca.crt');
    // An empty request config: every field comes from the command line, and no default
    // extension of the system's openssl.cnf (v3_ca) ends up in a server certificate.
    await writeFile(path.join(dir, 'req.cnf'), '[req]\ndistinguished_name = dn\n[dn]\n');
    await runTool('openssl', [...newKeyAndCertificate(dir, keyFile, certFile, 'ruddervirt-kube-harness-ca'), '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    return new CertificateAuthority(dir, await readFile(certFile, 'utf8'), keyFile, certFile);
  }

  /**
   * A server certificate for `names` (DNS names; IP addresses are recognised): key, request and
   * signature in one openssl run (`req -x509 -CA`, OpenSSL 3.0+), as harness starts are frequent.
   */
  async issue(commonName: string, names: readonly string[]): Promise<ServerCertificate> {
    const id = `${commonName.replace(/[^A-Za-z0-9.-]/g, '_')}-${this.serial++}`;
    const keyFile = path.join(this.dir, `${id}.key`);
    const certFile = path.join(this.dir, `${id}.crt`);
    const san = names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? `IP:${n}` : `DNS:${n}`)).join(',');
    await runTool('openssl', [
      ...newKeyAndCertificate(this.dir, keyFile, certFile, commonName),
      '-CA',
      this.certFile,
      '-CAkey',
      this.keyFile,
      '-set_serial',
      String(Date.now() + this.serial),
      '-addext',
      `subjectAltName=${san}`,
      '-addext',
      'extendedKeyUsage=serverAuth',
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext',
      'basicConstraints=CA:FALSE',
    ]);
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  }
}

/** openssl arguments for a new P-256 key and a certificate for it, valid two days. */
function newKeyAndCertificate(dir: string, keyFile: string, certFile: string, commonName: string): string[] {
  return [
    'req',
    '-x509',
    '-config',
    path.join(dir, 'req.cnf'),
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-subj',
    `/CN=${commonName}`,
    '-days',
    '2',
    '-sha256',
  ];
}
