/**
 * CDI's StorageProfiles: one per StorageClass, named after it, whose status.claimPropertySets are
 * the access and volume modes a DataVolume's `storage` spec gets when it names none. CDI fills them
 * from spec.claimPropertySets (an admin's) or else from its table of known provisioners, and an
 * unknown provisioner gets none (kubevirt/containerized-data-importer
 * pkg/controller/storageprofile-controller.go reconcileStorageProfile, reconcilePropertySets,
 * pkg/storagecapabilities/storagecapabilities.go CapabilitiesByProvisionerKey, v1.66.0). A profile
 * goes with its StorageClass (Reconcile: deleteStorageProfile when the class is gone).
 *
 * The harness's own provisioner is not in CDI's table, so its default class's profile is stored at
 * start with spec.claimPropertySets, as an admin of such a cluster has to (harness.ts).
 */
import type { ClusterApi } from '../cluster-api.js';
import { ApiError } from '../api-errors.js';
import type { KubeObject } from '../object-store.js';
import { mustResource } from '../resources.js';
import { DEFAULT_CLASS_ANNOTATION } from './claim-controller.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ClaimPropertySet {
  accessModes: string[];
  volumeMode: string;
}

const rwoFile = [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }];
const rbd = [
  { accessModes: ['ReadWriteMany'], volumeMode: 'Block' },
  { accessModes: ['ReadWriteOnce'], volumeMode: 'Block' },
  { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' },
];

/** A few of CDI's known provisioners (storagecapabilities.go@v1.66.0); rancher.io/local-path (kind's) is not one. */
export const KNOWN_PROVISIONERS: Record<string, ClaimPropertySet[]> = {
  'kubevirt.io.hostpath-provisioner': rwoFile,
  'kubevirt.io/hostpath-provisioner': rwoFile,
  'k8s.io/minikube-hostpath': rwoFile,
  'nfs.csi.k8s.io': [{ accessModes: ['ReadWriteMany'], volumeMode: 'Filesystem' }],
  'rbd.csi.ceph.com': rbd,
  'rook-ceph.rbd.csi.ceph.com': rbd,
  'ebs.csi.aws.com': [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Block' }],
};

/** The modes CDI gives a DataVolume's claim, or the error it records (ErrClaimNotValid). */
export type RenderedModes = { accessModes: string[]; volumeMode?: string } | { error: string; event: string };

/** util.go MessageErrStorageClassNotFound (v1.66.0): the error and the event's message alike. */
export const STORAGE_CLASS_NOT_FOUND = 'PVC spec is missing accessMode and no storageClass to choose profile';

export class StorageProfiles {
  private readonly classes = mustResource('storage.k8s.io', 'storageclasses');
  readonly profiles = mustResource('cdi.kubevirt.io', 'storageprofiles');

  constructor(private readonly api: ClusterApi) {}

  /** Creates, refreshes or deletes the profile of StorageClass `name`. */
  reconcile(name: string): void {
    const sc = this.api.tryGet(this.classes, undefined, name) as Loose | undefined;
    const profile = this.api.tryGet(this.profiles, undefined, name) as Loose | undefined;
    if (!sc || sc.metadata.deletionTimestamp) {
      if (profile) this.api.delete(this.profiles, undefined, name);
      return;
    }
    const status = (p: Loose | undefined): Loose => {
      const spec: ClaimPropertySet[] = p?.spec?.claimPropertySets ?? [];
      return {
        storageClass: name,
        provisioner: sc.provisioner,
        claimPropertySets: structuredClone(spec.length ? spec : (KNOWN_PROVISIONERS[String(sc.provisioner)] ?? [])),
      };
    };
    if (!profile) {
      try {
        this.api.createInternal(this.profiles, undefined, { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'StorageProfile', metadata: { name }, spec: {}, status: status(undefined) } as unknown as KubeObject, true);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
      }
      return;
    }
    this.api.mutate(this.profiles, undefined, name, (o) => {
      const next = status(o as Loose);
      if (JSON.stringify((o as Loose).status ?? {}) === JSON.stringify(next)) return false;
      (o as Loose).status = next;
    });
  }

  /**
   * The access and volume modes of a claim made from a DataVolume's `storage` spec, as
   * kubevirt/containerized-data-importer pkg/controller/datavolume/util.go
   * renderPvcSpecVolumeModeAndAccessModesAndStorageClass, getDefaultVolumeAndAccessMode,
   * getDefaultAccessModes and getDefaultVolumeMode (v1.66.0) render them.
   */
  render(spec: Loose): RenderedModes {
    const sc = (
      spec.storageClassName ? this.api.tryGet(this.classes, undefined, String(spec.storageClassName)) : this.api.list(this.classes, undefined).find((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')
    ) as Loose | undefined;
    const accessModes: string[] = spec.accessModes ?? [];
    const volumeMode: string | undefined = spec.volumeMode || undefined;
    // No class (a named one that does not exist, or no default): nothing can supply the modes, so a
    // spec without accessModes is refused rather than given RWO (renderPvcSpecFromAvailablePv finds
    // no PV: the harness makes none ahead of their claims).
    if (!sc) return accessModes.length ? { accessModes, ...(volumeMode ? { volumeMode } : {}) } : { error: STORAGE_CLASS_NOT_FOUND, event: STORAGE_CLASS_NOT_FOUND };
    const name = String(sc.metadata.name);
    const profile = this.api.tryGet(this.profiles, undefined, name) as Loose | undefined;
    const sets: ClaimPropertySet[] = profile?.status?.claimPropertySets ?? [];
    if (!volumeMode && !accessModes.length) {
      if (!profile)
        return { error: 'cannot get StorageProfile: storageprofiles.cdi.kubevirt.io "' + name + '" not found', event: `Spec is missing accessMode and volumeMode, cannot get access mode from StorageProfile ${name}` };
      const first = sets[0];
      if (first?.accessModes?.length) return { accessModes: [...first.accessModes], volumeMode: first.volumeMode };
      return { error: `no accessMode specified in StorageProfile ${name}`, event: `Spec is missing accessMode and volumeMode, cannot get access mode from StorageProfile ${name}` };
    }
    if (!accessModes.length) {
      const match = sets.find((s) => s.volumeMode === volumeMode && s.accessModes?.length);
      if (match) return { accessModes: [...match.accessModes], ...(volumeMode ? { volumeMode } : {}) };
      return { error: `no matching accessMode specified in StorageProfile ${name}`, event: `Spec is missing accessMode and cannot get access mode from StorageProfile ${name}` };
    }
    if (!volumeMode) {
      const match = sets.find((s) => s.accessModes?.some((m) => accessModes.includes(m)));
      return { accessModes, ...(match?.volumeMode ? { volumeMode: match.volumeMode } : {}) };
    }
    return { accessModes, volumeMode };
  }
}
