/**
 * The user-mode (slirp) network of a VM's NIC `index` on the local engine: 10.0.2.0/24 for the
 * first, 10.0.3.0/24 for the next …, and the address the guest sees the host at, .2 of it (QEMU's
 * default for `-netdev user,host=`, qemu-options.hx in qemu/qemu). It lives beside the address
 * plan because the plan keeps declared subnets off these ranges.
 */
export function userNetwork(index: number): { net: string; host: string } {
  const third = 2 + index;
  return { net: `10.0.${third}.0/24`, host: `10.0.${third}.2` };
}
