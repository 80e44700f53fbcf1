import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import type { DiskBus, NicModel } from '../../../src/core/config/model.js';
import { escapeOptionValue, qemuArgs, type MachinePlan } from '../../../src/engines/local/qemu-args.js';

function plan(overrides: Partial<MachinePlan> = {}): MachinePlan {
  return {
    name: 'web',
    accelerator: 'tcg',
    machine: 'pc',
    cpus: 2,
    memoryMiB: 1024,
    disks: [{ id: 'disk0', path: '/work/web-root.qcow2', format: 'qcow2', bus: 'virtio', bootIndex: 1 }],
    cdroms: [],
    nics: [{ model: 'virtio', forwards: [{ hostPort: 3333, guestPort: 22 }] }],
    vnc: { socket: '/tmp/ruddervirt-vm-x/vnc.sock' },
    qmpSocket: '/tmp/ruddervirt-vm-x/qmp.sock',
    serialLog: '/logs/web/serial.log',
    ...overrides,
  };
}

/** The values of every occurrence of `flag`. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag && i + 1 < args.length ? [args[i + 1]!] : []));
}

/** QEMU's option parser: key=value pairs split at single commas, ",," being a literal comma. */
function parseOptions(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ',') {
      if (text[i + 1] === ',') {
        cur += ',';
        i++;
      } else {
        parts.push(cur);
        cur = '';
      }
    } else cur += text[i];
  }
  parts.push(cur);
  for (const p of parts) {
    const eq = p.indexOf('=');
    out.set(eq < 0 ? p : p.slice(0, eq), eq < 0 ? '' : p.slice(eq + 1));
  }
  return out;
}

describe('qemuArgs (pure)', () => {
  it("CPU model: host under KVM, qemu64 with the x86-64-v2 features under TCG, and the build's cpuModel wins under either", () => {
    expect(values(qemuArgs(plan({ accelerator: 'kvm' })), '-cpu')).toEqual(['host']);
    expect(values(qemuArgs(plan({ accelerator: 'tcg' })), '-cpu')).toEqual(['qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+lahf_lm']);
    expect(values(qemuArgs(plan({ accelerator: 'tcg', cpuModel: 'max' })), '-cpu')).toEqual(['max']);
    expect(values(qemuArgs(plan({ accelerator: 'tcg', cpuModel: 'Nehalem' })), '-cpu')).toEqual(['Nehalem']);
    expect(values(qemuArgs(plan({ accelerator: 'kvm', cpuModel: 'host-passthrough' })), '-cpu')).toEqual(['host']);
    expect(values(qemuArgs(plan({ accelerator: 'kvm', cpuModel: 'Haswell-noTSX' })), '-cpu')).toEqual(['Haswell-noTSX']);
  });

  it('builds a headless BIOS VM with virtio disk, user net with a loopback SSH forward, VNC socket, QMP and serial log', () => {
    const args = qemuArgs(plan());
    expect(values(args, '-machine')).toEqual(['pc']);
    expect(values(args, '-accel')).toEqual(['tcg']);
    expect(values(args, '-cpu')).toEqual(['qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+lahf_lm']);
    expect(values(args, '-smp')).toEqual(['2']);
    expect(values(args, '-m')).toEqual(['1024M']);
    expect(values(args, '-display')).toEqual(['none']);
    expect(args).toContain('-nodefaults');
    expect(args).not.toContain('-no-reboot');
    expect(values(args, '-drive')).toEqual(['if=none,id=disk0,file=/work/web-root.qcow2,format=qcow2,cache=writeback,discard=unmap']);
    expect(values(args, '-device')).toContain('virtio-blk-pci,drive=disk0,bootindex=1');
    expect(values(args, '-netdev')).toEqual(['user,id=net0,net=10.0.2.0/24,host=10.0.2.2,hostfwd=tcp:127.0.0.1:3333-:22']);
    expect(values(args, '-device')).toContain('virtio-net-pci,netdev=net0');
    expect(values(args, '-device')).toContain('virtio-rng-pci');
    expect(values(args, '-vnc')).toEqual(['unix:/tmp/ruddervirt-vm-x/vnc.sock']);
    expect(values(args, '-chardev')).toContain('socket,id=qmp,path=/tmp/ruddervirt-vm-x/qmp.sock,server=on,wait=off');
    expect(values(args, '-mon')).toEqual(['chardev=qmp,mode=control']);
    expect(values(args, '-chardev')).toContain('file,id=serial0,path=/logs/web/serial.log');
    expect(values(args, '-serial')).toEqual(['chardev:serial0']);
    expect(args.some((a) => a.startsWith('if=pflash'))).toBe(false);
  });

  it('uses -cpu host under KVM', () => {
    expect(values(qemuArgs(plan({ accelerator: 'kvm' })), '-cpu')).toEqual(['host']);
  });

  it('puts sata disks on an AHCI controller, one port each', () => {
    const args = qemuArgs(
      plan({
        disks: [
          { id: 'disk0', path: '/a.qcow2', format: 'qcow2', bus: 'sata', bootIndex: 1 },
          { id: 'disk1', path: '/b.qcow2', format: 'qcow2', bus: 'sata' },
        ],
      }),
    );
    const devices = values(args, '-device');
    expect(devices).toContain('ahci,id=sata');
    expect(devices).toContain('ide-hd,drive=disk0,bus=sata.0,bootindex=1');
    expect(devices).toContain('ide-hd,drive=disk1,bus=sata.1');
    expect(devices.indexOf('ahci,id=sata')).toBeLessThan(devices.indexOf('ide-hd,drive=disk0,bus=sata.0,bootindex=1'));
    expect(devices.some((d) => d.startsWith('virtio-scsi-pci'))).toBe(false);
  });

  it('puts scsi disks on one virtio-scsi controller with distinct targets', () => {
    const devices = values(
      qemuArgs(
        plan({
          disks: [
            { id: 'disk0', path: '/a.qcow2', format: 'qcow2', bus: 'virtio', bootIndex: 1 },
            { id: 'disk1', path: '/b.qcow2', format: 'qcow2', bus: 'scsi' },
            { id: 'disk2', path: '/c.qcow2', format: 'qcow2', bus: 'scsi' },
          ],
        }),
      ),
      '-device',
    );
    expect(devices.filter((d) => d.startsWith('virtio-scsi-pci'))).toEqual(['virtio-scsi-pci,id=scsi']);
    expect(devices).toContain('scsi-hd,drive=disk1,bus=scsi.0,channel=0,scsi-id=0,lun=0');
    expect(devices).toContain('scsi-hd,drive=disk2,bus=scsi.0,channel=0,scsi-id=1,lun=0');
    expect(devices).not.toContain('ahci,id=sata');
  });

  it.each<[NicModel, string]>([
    ['virtio', 'virtio-net-pci'],
    ['e1000', 'e1000'],
    ['e1000e', 'e1000e'],
    ['rtl8139', 'rtl8139'],
  ])('nic model %s becomes device %s', (model, device) => {
    expect(values(qemuArgs(plan({ nics: [{ model, forwards: [] }] })), '-device')).toContain(`${device},netdev=net0`);
  });

  it('gives each further NIC its own user network and forwards SSH only where asked', () => {
    const args = qemuArgs(
      plan({
        nics: [
          { model: 'virtio', forwards: [{ hostPort: 4000, guestPort: 2222 }] },
          { model: 'e1000', forwards: [] },
        ],
      }),
    );
    expect(values(args, '-netdev')).toEqual(['user,id=net0,net=10.0.2.0/24,host=10.0.2.2,hostfwd=tcp:127.0.0.1:4000-:2222', 'user,id=net1,net=10.0.3.0/24,host=10.0.3.2']);
  });

  it("puts sata cdroms on q35's own AHCI ports, read-only, with the install ISO bootable after the disk", () => {
    const args = qemuArgs(
      plan({
        machine: 'q35',
        cdroms: [
          { id: 'cd0', path: '/cache/debian.iso', bootIndex: 2 },
          { id: 'cd1', path: '/work/answers.iso' },
        ],
      }),
    );
    expect(values(args, '-drive')).toContain('if=none,id=cd0,file=/cache/debian.iso,format=raw,media=cdrom,readonly=on');
    const devices = values(args, '-device');
    expect(devices).toContain('ide-cd,drive=cd0,bus=ide.0,bootindex=2');
    expect(devices).toContain('ide-cd,drive=cd1,bus=ide.1');
    expect(devices).not.toContain('ahci,id=sata');
  });

  it('puts sata cdroms on pc on an added AHCI controller, after the sata disks (pc has only PIIX IDE)', () => {
    const devices = values(qemuArgs(plan({ machine: 'pc', disks: [{ id: 'disk0', path: '/d', format: 'qcow2', bus: 'sata', bootIndex: 1 }], cdroms: [{ id: 'cd0', path: '/a.iso' }] })), '-device');
    expect(devices.filter((d) => d === 'ahci,id=sata')).toHaveLength(1);
    expect(devices).toContain('ide-hd,drive=disk0,bus=sata.0,bootindex=1');
    expect(devices).toContain('ide-cd,drive=cd0,bus=sata.1');
  });

  it('attaches scsi cdroms to virtio-scsi, and an ISO as a read-only disk on virtio, scsi or (through a throw-away overlay) sata', () => {
    const args = qemuArgs(
      plan({
        machine: 'q35',
        cdroms: [
          { id: 'cd0', path: '/a.iso', bus: 'scsi' },
          { id: 'cd1', path: '/seed.iso', bus: 'virtio', media: 'disk' },
          { id: 'cd2', path: '/b.iso', bus: 'scsi', media: 'disk' },
          { id: 'cd3', path: '/c.iso', bus: 'sata', media: 'disk' },
        ],
      }),
    );
    const devices = values(args, '-device');
    expect(devices).toContain('virtio-scsi-pci,id=scsi');
    expect(devices).toContain('scsi-cd,drive=cd0,bus=scsi.0,channel=0,scsi-id=0,lun=0');
    expect(devices).toContain('virtio-blk-pci,drive=cd1');
    expect(devices).toContain('scsi-hd,drive=cd2,bus=scsi.0,channel=0,scsi-id=1,lun=0');
    expect(devices).toContain('ide-hd,drive=cd3,bus=sata.0');
    const drives = values(args, '-drive');
    expect(drives).toContain('if=none,id=cd1,file=/seed.iso,format=raw,readonly=on');
    expect(drives).toContain('if=none,id=cd3,file=/c.iso,format=raw,snapshot=on');
    expect(() => qemuArgs(plan({ cdroms: [{ id: 'cd0', path: '/a.iso', bus: 'virtio' }] }))).toThrow(/a cdrom cannot be on the virtio bus/);
  });

  it('rejects more sata cdroms than the controller has ports, naming the VM', () => {
    const cdroms = Array.from({ length: 7 }, (_, i) => ({ id: `cd${i}`, path: `/x${i}.iso` }));
    expect(() => qemuArgs(plan({ machine: 'q35', cdroms }))).toThrow(UserError);
    expect(() => qemuArgs(plan({ machine: 'q35', cdroms }))).toThrow(/vm web: at most 6 sata cdroms fit the q35 board's controller, got 7/);
    expect(() => qemuArgs(plan({ machine: 'pc', cdroms }))).toThrow(/vm web: at most 6 sata disks and cdroms fit one controller, got 7/);
    expect(() => qemuArgs(plan({ machine: 'q35', cdroms: cdroms.slice(1) }))).not.toThrow();
  });

  it('rejects more sata disks than one AHCI controller has ports', () => {
    const disks = Array.from({ length: 7 }, (_, i) => ({ id: `disk${i}`, path: `/d${i}`, format: 'qcow2', bus: 'sata' as const }));
    expect(() => qemuArgs(plan({ disks }))).toThrow(/at most 6 sata disks/);
  });

  it('boots UEFI with a read-only code pflash and a writable per-VM vars pflash, no SMM without Secure Boot', () => {
    const args = qemuArgs(plan({ firmware: { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', codeFormat: 'raw', vars: '/work/web-efivars.fd', varsFormat: 'raw', secureBoot: false, smm: false } }));
    expect(values(args, '-drive').filter((d) => d.startsWith('if=pflash'))).toEqual([
      'if=pflash,unit=0,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd',
      'if=pflash,unit=1,format=raw,file=/work/web-efivars.fd',
    ]);
    expect(values(args, '-machine')).toEqual(['pc']);
    expect(values(args, '-global')).toEqual([]);
  });

  it('enables SMM and secure pflash for Secure Boot, on q35 only', () => {
    const firmware = { code: '/o/CODE.secboot.fd', codeFormat: 'raw', vars: '/w/vars.fd', varsFormat: 'raw', secureBoot: true, smm: true };
    const args = qemuArgs(plan({ machine: 'q35', firmware }));
    expect(values(args, '-machine')).toEqual(['q35,smm=on']);
    expect(values(args, '-global')).toEqual(['driver=cfi.pflash01,property=secure,value=on']);
    expect(() => qemuArgs(plan({ machine: 'pc', firmware }))).toThrow(/Secure Boot needs the q35 machine/);
  });

  it('uses a loopback VNC display number when given a port', () => {
    expect(values(qemuArgs(plan({ vnc: { port: 5903 } })), '-vnc')).toEqual(['127.0.0.1:3']);
    expect(() => qemuArgs(plan({ vnc: { port: 5000 } }))).toThrow(/below 5900/);
  });

  it('doubles commas in paths so QEMU reads them as one value', () => {
    const args = qemuArgs(plan({ disks: [{ id: 'disk0', path: '/odd,dir/root.qcow2', format: 'qcow2', bus: 'virtio' }] }));
    expect(parseOptions(values(args, '-drive')[0]!).get('file')).toBe('/odd,dir/root.qcow2');
  });

  it('rejects nonsense sizes with the VM named', () => {
    expect(() => qemuArgs(plan({ cpus: 0 }))).toThrow(/vm web: cpu must be a whole number/);
    expect(() => qemuArgs(plan({ memoryMiB: 4 }))).toThrow(/vm web: memory must be at least 16Mi/);
    expect(() => qemuArgs(plan({ nics: [] }))).toThrow(/needs at least one nic/);
  });

  it('property: any value survives escaping through QEMU option parsing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        fc.pre(!value.includes('='));
        const parsed = parseOptions(`file=${escapeOptionValue(value)},format=raw`);
        expect(parsed.get('file')).toBe(value);
        expect(parsed.get('format')).toBe('raw');
      }),
    );
  });

  it('property: every disk and cdrom gets exactly one -drive and one -device, bootindexes stay unique', () => {
    const bus = fc.constantFrom<DiskBus>('virtio', 'sata', 'scsi');
    fc.assert(
      fc.property(
        fc.array(bus, { minLength: 1, maxLength: 8 }),
        fc.array(fc.record({ bus, media: fc.constantFrom<'cdrom' | 'disk'>('cdrom', 'disk') }), { maxLength: 6 }),
        fc.constantFrom<'pc' | 'q35'>('pc', 'q35'),
        (buses, cdromKinds, machine) => {
          const kinds = cdromKinds.map((k) => (k.bus === 'virtio' ? { ...k, media: 'disk' as const } : k));
          const onBoard = machine === 'q35' ? kinds.filter((k) => k.bus === 'sata' && k.media === 'cdrom').length : 0;
          fc.pre(buses.filter((b) => b === 'sata').length + kinds.filter((k) => k.bus === 'sata').length - onBoard <= 6);
          const p = plan({
            machine,
            disks: buses.map((b, i) => ({ id: `disk${i}`, path: `/d${i}.qcow2`, format: 'qcow2', bus: b, ...(i === 0 ? { bootIndex: 1 } : {}) })),
            cdroms: kinds.map((k, i) => ({ id: `cd${i}`, path: `/c${i}.iso`, ...k, ...(i === 0 ? { bootIndex: 2 } : {}) })),
          });
          const args = qemuArgs(p);
          const drives = values(args, '-drive').map(parseOptions);
          const devices = values(args, '-device').map((d) => parseOptions(d));
          for (const id of [...p.disks.map((d) => d.id), ...p.cdroms.map((c) => c.id)]) {
            expect(drives.filter((d) => d.get('id') === id)).toHaveLength(1);
            expect(devices.filter((d) => d.get('drive') === id)).toHaveLength(1);
          }
          const boots = devices.flatMap((d) => (d.has('bootindex') ? [d.get('bootindex')] : []));
          expect(new Set(boots).size).toBe(boots.length);
          const sataBuses = devices.filter((d) => d.get('bus')?.startsWith('sata.')).map((d) => d.get('bus'));
          expect(new Set(sataBuses).size).toBe(sataBuses.length);
          const slots = devices.filter((d) => d.has('ide-cd') || d.has('ide-hd')).map((d) => d.get('bus'));
          expect(new Set(slots).size).toBe(slots.length);
          const scsiIds = devices.filter((d) => d.get('bus') === 'scsi.0').map((d) => d.get('scsi-id'));
          expect(new Set(scsiIds).size).toBe(scsiIds.length);
          expect(args).not.toContain('-no-reboot');
        },
      ),
    );
  });
});
