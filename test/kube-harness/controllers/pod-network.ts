/**
 * The pod network as the harness fakes it. A pod's ports are served by local processes on
 * 127.0.0.1:<some free port>; the pod gets an IP, and what reaches podIP:containerPort is
 * forwarded there:
 * - from the host (pod port-forward): the loopback address directly;
 * - from a guest (QEMU user networking, 10.0.2.0/24): a `guestfwd` rule on the VM's first NIC
 *   maps podIP:containerPort to the loopback port (one `busybox nc` per connection), so a boot
 *   command's `{{ .HTTPIP }}:{{ .HTTPPort }}` — the pod's IP and the port in its spec — works
 *   unchanged. Pod IPs are 10.0.2.100–10.0.2.250, inside the guest's network, so no route is
 *   needed. Forwards are set when a VMI starts: pods created after it are not reachable from it.
 */

export interface PodEndpoint {
  namespace: string;
  pod: string;
  ip: string;
  containerPort: number;
  host: string;
  port: number;
  /** On the default pod network (false: on a Kube-OVN subnet). */
  podNetwork: boolean;
}

const FIRST = 100;
const LAST = 250;

export class PodNetwork {
  private readonly ips = new Map<string, string>();
  private readonly endpoints = new Map<string, PodEndpoint[]>();

  private key(namespace: string, pod: string): string {
    return `${namespace}/${pod}`;
  }

  /** The pod's IP (stable while the pod exists). */
  ipOf(namespace: string, pod: string): string {
    const key = this.key(namespace, pod);
    const existing = this.ips.get(key);
    if (existing) return existing;
    const used = new Set(this.ips.values());
    for (let i = FIRST; i <= LAST; i++) {
      const ip = `10.0.2.${i}`;
      if (!used.has(ip)) {
        this.ips.set(key, ip);
        return ip;
      }
    }
    throw new Error('the kube harness ran out of pod IPs (150 pods at once)');
  }

  /**
   * podIP:containerPort is served at host:port. A pod on a Kube-OVN subnet (podNetwork false, its
   * subnet address in `ip`) is reachable by port-forward only: guests on the default network do not
   * see it (kube-ovn-dataplane.ts routes its subnet).
   */
  expose(namespace: string, pod: string, containerPort: number, host: string, port: number, where: { podNetwork: boolean; ip: string } = { podNetwork: true, ip: '' }): void {
    const key = this.key(namespace, pod);
    const list = (this.endpoints.get(key) ?? []).filter((e) => e.containerPort !== containerPort);
    list.push({ namespace, pod, ip: where.podNetwork ? this.ipOf(namespace, pod) : where.ip, containerPort, host, port, podNetwork: where.podNetwork });
    this.endpoints.set(key, list);
  }

  endpoint(namespace: string, pod: string, containerPort: number): PodEndpoint | undefined {
    return this.endpoints.get(this.key(namespace, pod))?.find((e) => e.containerPort === containerPort);
  }

  /** Everything a guest in `namespace` can reach (the pod network is flat; namespaces do not isolate). */
  all(): PodEndpoint[] {
    return [...this.endpoints.values()].flat().filter((e) => e.podNetwork);
  }

  release(namespace: string, pod: string): void {
    const key = this.key(namespace, pod);
    this.endpoints.delete(key);
    this.ips.delete(key);
  }
}
