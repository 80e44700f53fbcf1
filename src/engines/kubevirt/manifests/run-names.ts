/**
 * The naming scheme of one build run: every object name in one place, so the renderers, the
 * cluster operations and the docs agree. Per-VM names are `<build>-<layer>-<vm>-<run>[-suffix]`,
 * network names `<build>-<vpc|subnet>-<run>`; kubeName shortens and hashes them when too long.
 */
import { kubeName } from './names.js';

/** Kube-OVN names the egress gateway's Deployment and pods after it; leave room for that. */
const EGRESS_GATEWAY_MAX_LENGTH = 40;

export interface VmNames {
  vm: string;
  rootDisk: string;
  disk(name: string): string;
  installIso: string;
  cdrom(name: string): string;
  httpFiles: string;
  httpServer: string;
  sshJump: string;
  output: string;
  export: string;
  exportToken: string;
}

export class RunNames {
  constructor(
    readonly build: string,
    readonly runId: string,
  ) {}

  /** The run's root ConfigMap, owner of every namespaced object of the run. */
  get root(): string {
    return kubeName([this.build, this.runId]);
  }

  vpc(vpc: string): string {
    return kubeName([this.build, vpc, this.runId]);
  }

  subnet(subnet: string): string {
    return kubeName([this.build, subnet, this.runId]);
  }

  egressGateway(vpc: string): string {
    return kubeName([this.build, vpc, this.runId], { suffix: 'egress', maxLength: EGRESS_GATEWAY_MAX_LENGTH });
  }

  networkAttachment(subnet: string): string {
    return kubeName([this.build, subnet, this.runId], { suffix: 'nad' });
  }

  vm(layer: string, vm: string): VmNames {
    const parts = [this.build, layer, vm, this.runId];
    const named = (suffix?: string) => kubeName(parts, suffix === undefined ? {} : { suffix });
    return {
      vm: named(),
      rootDisk: named('root'),
      disk: (name) => named(`disk-${name}`),
      installIso: named('install-iso'),
      cdrom: (name) => named(`cd-${name}`),
      httpFiles: named('http-files'),
      httpServer: named('http'),
      sshJump: named('ssh'),
      output: named('output'),
      export: named('export'),
      exportToken: named('export-token'),
    };
  }
}
