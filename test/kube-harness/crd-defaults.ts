/**
 * Structural-schema defaulting of custom resources, as kube-apiserver does it on every decode of
 * a create or update body (k8s.io/apiextensions-apiserver pkg/apiserver/schema/defaulting): a
 * field that is absent inside an object that is present gets the schema's `default`. So a full
 * Update that leaves a field out — a Go client whose typed field is `omitempty` and zero —
 * refills it with the default instead of keeping what was stored. Kube-OVN's VpcEgressGateway is
 * the case that matters: `replicas` is `int32 json:"replicas,omitempty"` with
 * `+kubebuilder:default=1` (kubeovn/kube-ovn pkg/apis/kubeovn/v1/vpc-egress-gateway.go, v1.14.0 to
 * v1.16.2), so kube-ovn-controller's finalizer Update turns 0 replicas into 1.
 *
 * Only the schemas taken from CRDs carry such defaults (test/fixtures/schemas/*.schema.json); the
 * `default` values in KubeVirt's and CDI's swagger are Go zero values of the OpenAPI generator,
 * which their CRDs do not declare.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeObject } from './object-store.js';

type Schema = Record<string, unknown>;

const SCHEMA_DIR = path.resolve(import.meta.dirname, '../fixtures/schemas');

const CRD_SCHEMA_FILES: Record<string, string> = {
  'kubeovn.io/v1 Vpc': 'kubeovn-vpc.schema.json',
  'kubeovn.io/v1 Subnet': 'kubeovn-subnet.schema.json',
  'kubeovn.io/v1 VpcEgressGateway': 'kubeovn-vpcegressgateway.schema.json',
  'snapshot.storage.k8s.io/v1 VolumeSnapshot': 'volumesnapshot.schema.json',
  'snapshot.storage.k8s.io/v1 VolumeSnapshotClass': 'volumesnapshotclass.schema.json',
};

const loaded = new Map<string, Schema>();

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function schemaFor(key: string): Schema | undefined {
  const file = CRD_SCHEMA_FILES[key];
  if (!file) return undefined;
  let schema = loaded.get(file);
  if (!schema) {
    schema = JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Schema;
    loaded.set(file, schema);
  }
  return schema;
}

function fill(value: unknown, schema: Schema): void {
  if (Array.isArray(value)) {
    if (isSchema(schema.items)) for (const item of value) fill(item, schema.items);
    return;
  }
  if (!isSchema(value) || !isSchema(schema.properties)) return;
  for (const [name, sub] of Object.entries(schema.properties)) {
    if (!isSchema(sub)) continue;
    if (value[name] === undefined && 'default' in sub) value[name] = structuredClone(sub.default);
    if (value[name] !== undefined) fill(value[name], sub);
  }
}

/** Fills absent fields of `object` with its CRD schema's defaults (in place). */
export function applyCrdDefaults(object: KubeObject): void {
  const schema = schemaFor(`${object.apiVersion} ${object.kind}`);
  if (schema) fill(object, schema);
}
