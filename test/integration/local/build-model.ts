/** Resolved build models for local-engine tests, with the defaults the config loader would fill in. */
import path from 'node:path';
import type { Build, Communicator, Vm } from '../../../src/core/config/model.js';

export const MiB = 1024 * 1024;

export function communicator(overrides: Partial<Communicator> = {}): Communicator {
  return {
    type: 'ssh',
    sshPort: 22,
    sshAgentAuth: false,
    sshTimeout: 300_000,
    sshHandshakeAttempts: 10,
    sshPty: false,
    sshKeepAliveInterval: 5000,
    sshBastionPort: 22,
    pauseBeforeConnecting: 0,
    ...overrides,
  };
}

export function vmOf(overrides: Partial<Vm> & Pick<Vm, 'source'>): Vm {
  return {
    name: 'test',
    cpu: 1,
    memoryBytes: 256 * MiB,
    disks: [{ name: 'root', sizeBytes: 64 * MiB, bus: 'virtio' }],
    cdroms: [],
    nics: [{ model: 'virtio' }],
    bootWait: 0,
    bootCommand: [],
    communicator: communicator(),
    provisioners: [],
    shutdownTimeout: 300_000,
    output: { format: 'qcow2', compress: false, compressionType: 'zstd', sbom: false },
    dependsOn: [],
    ...overrides,
  };
}

export function buildOf(dir: string, vm: Vm, overrides: Partial<Build> = {}): Build {
  return {
    file: path.join(dir, 'build.yaml'),
    dir,
    name: 'local-engine-test',
    variables: {},
    network: { vpcs: [] },
    layers: [{ name: 'base', vms: [vm] }],
    secrets: [],
    ...overrides,
  };
}
