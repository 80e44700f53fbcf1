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
    await runTool('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
    await runTool('openssl', [
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-sha256',
      '-days',
      '2',
      '-subj',
      '/CN=ruddervirt-kube-harness-ca',
      '-out',
      certFile,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return new CertificateAuthority(dir, await readFile(certFile, 'utf8'), keyFile, certFile);
  }

  /** A server certificate for `names` (DNS names; IP addresses are recognised). */
  async issue(commonName: string, names: readonly string[]): Promise<ServerCertificate> {
    const id = `${commonName.replace(/[^A-Za-z0-9.-]/g, '_')}-${this.serial++}`;
    const keyFile = path.join(this.dir, `${id}.key`);
    const csrFile = path.join(this.dir, `${id}.csr`);
    const certFile = path.join(this.dir, `${id}.crt`);
    const extFile = path.join(this.dir, `${id}.ext`);
    const san = names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? `IP:${n}` : `DNS:${n}`)).join(',');
    await writeFile(extFile, `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`);
    await runTool('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
    await runTool('openssl', ['req', '-new', '-key', keyFile, '-subj', `/CN=${commonName}`, '-out', csrFile]);
    await runTool('openssl', [
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      this.certFile,
      '-CAkey',
      this.keyFile,
      '-set_serial',
      String(Date.now() + this.serial),
      '-days',
      '2',
      '-sha256',
      '-extfile',
      extFile,
      '-out',
      certFile,
    ]);
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  }
}
