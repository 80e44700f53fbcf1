/**
 * Guest endpoints a test plays itself. With the KubeVirt controllers off (the `controllers`
 * option) no QEMU runs behind a VirtualMachineInstance, so a test that exercises the subresource
 * streams names where a VMI's VNC server and guest ports are — any TCP server it runs — and the
 * API server bridges `vnc` and `portforward/<port>` there exactly as it bridges a real guest's.
 * (A pod's ports are played the same way through the pod network: exposePodPort.)
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError } from './api-errors.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface PlayedVmi {
  vnc?: Endpoint;
  ports?: Record<number, Endpoint>;
}

export class PlayedEndpoints {
  private readonly vmis = new Map<string, PlayedVmi>();

  setVmi(namespace: string, name: string, endpoints: PlayedVmi | undefined): void {
    if (endpoints) this.vmis.set(`${namespace}/${name}`, endpoints);
    else this.vmis.delete(`${namespace}/${name}`);
  }

  vnc(namespace: string, name: string): Endpoint | undefined {
    return this.vmis.get(`${namespace}/${name}`)?.vnc;
  }

  port(namespace: string, name: string, port: number): Endpoint | undefined {
    return this.vmis.get(`${namespace}/${name}`)?.ports?.[port];
  }

  has(namespace: string, name: string): boolean {
    return this.vmis.has(`${namespace}/${name}`);
  }

  /**
   * Connects to a played endpoint; a refusal is virt-api's dialing error
   * (kubevirt/kubevirt pkg/virt-api/rest/dialers.go@v1.9.0).
   */
  static dial(endpoint: Endpoint): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(endpoint.port, endpoint.host);
      socket.pause();
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err) => reject(new ApiError(500, 'InternalError', `Internal error occurred: dialing VM: ${err.message}`)));
    });
  }
}
