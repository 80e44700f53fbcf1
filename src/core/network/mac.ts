/**
 * MAC addresses as lower-case "aa:bb:cc:dd:ee:ff" text (map keys, QEMU's mac= option) and the
 * addresses the local engine gives subnet NICs: locally administered (02:…), under our own prefix
 * 02:72:76 ("rv"), so they never meet QEMU's default 52:54:00:12:34:56 series on one guest.
 */

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
const PREFIX = [0x02, 0x72, 0x76];

export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}

export function parseMac(text: string): Buffer {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text)) throw new Error(`'${text}' is not a MAC address (expected six hex pairs separated by colons)`);
  return Buffer.from(text.split(':').map((h) => Number.parseInt(h, 16)));
}

/** Broadcast and multicast destinations: the group bit of the first octet. */
export function isGroupMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/**
 * The MAC of host `offset` (1 = the gateway, 2… = VMs) on subnet number `subnetOrdinal` of the
 * build: unique per (subnet, host) for up to 256 subnets and 65536 hosts, and the same on every run.
 */
export function segmentMac(subnetOrdinal: number, offset: number): string {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0xffff) throw new Error(`host offset ${offset} does not fit a MAC address`);
  return formatMac(Uint8Array.from([...PREFIX, subnetOrdinal & 0xff, offset >>> 8, offset & 0xff]));
}
