/**
 * Validates Kubernetes objects against the upstream schemas in test/fixtures/schemas with Ajv,
 * the way the API server would check their structure: strict about unknown fields (as
 * `kubectl apply --validate=strict`), IntOrString and Quantity widened as the server accepts them,
 * CRD metadata checked as ObjectMeta. It does not run CEL rules or admission webhooks
 * (kubevirt-admission.ts checks the webhook rules we rely on).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const SCHEMA_DIR = path.resolve(import.meta.dirname, '../../fixtures/schemas');

const SOURCES: Record<string, { file: string; swagger?: boolean }> = {
  kubevirt: { file: 'kubevirt-swagger.json', swagger: true },
  cdi: { file: 'cdi-swagger.json', swagger: true },
  'kubeovn-vpc': { file: 'kubeovn-vpc.schema.json' },
  'kubeovn-subnet': { file: 'kubeovn-subnet.schema.json' },
  'kubeovn-vpcegressgateway': { file: 'kubeovn-vpcegressgateway.schema.json' },
  volumesnapshot: { file: 'volumesnapshot.schema.json' },
  volumesnapshotclass: { file: 'volumesnapshotclass.schema.json' },
};

/** apiVersion + kind → the schema that checks it. */
export const SCHEMA_FOR_KIND: Record<string, string> = {
  'kubevirt.io/v1 VirtualMachine': 'kubevirt#/definitions/v1.VirtualMachine',
  'snapshot.kubevirt.io/v1beta1 VirtualMachineSnapshot': 'kubevirt#/definitions/v1beta1.VirtualMachineSnapshot',
  'export.kubevirt.io/v1 VirtualMachineExport': 'kubevirt#/definitions/v1.VirtualMachineExport',
  // KubeVirt applies one validation to every served version of a CRD.
  'export.kubevirt.io/v1beta1 VirtualMachineExport': 'kubevirt#/definitions/v1.VirtualMachineExport',
  'cdi.kubevirt.io/v1beta1 DataVolume': 'cdi#/definitions/v1beta1.DataVolume',
  'kubeovn.io/v1 Vpc': 'kubeovn-vpc',
  'kubeovn.io/v1 Subnet': 'kubeovn-subnet',
  'kubeovn.io/v1 VpcEgressGateway': 'kubeovn-vpcegressgateway',
  'snapshot.storage.k8s.io/v1 VolumeSnapshot': 'volumesnapshot',
  'snapshot.storage.k8s.io/v1 VolumeSnapshotClass': 'volumesnapshotclass',
};

type Schema = Record<string, unknown>;

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Visits real subschemas only, never property-name maps, enums or defaults. */
function walk(s: unknown, visit: (s: Schema) => void): void {
  if (!isSchema(s)) return;
  visit(s);
  for (const k of ['properties', 'patternProperties', 'definitions']) {
    const map = s[k];
    if (isSchema(map)) for (const v of Object.values(map)) walk(v, visit);
  }
  if (Array.isArray(s.items)) for (const v of s.items) walk(v, visit);
  else walk(s.items, visit);
  if (isSchema(s.additionalProperties)) walk(s.additionalProperties, visit);
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const list = s[k];
    if (Array.isArray(list)) for (const v of list) walk(v, visit);
  }
  walk(s.not, visit);
}

function prepare(raw: Schema, strict: boolean): Schema {
  const out = structuredClone(raw);
  walk(out, (s) => {
    if (s.format === 'int-or-string') {
      delete s.format;
      s.type = ['integer', 'string'];
    }
    if (strict && isSchema(s.properties) && !('additionalProperties' in s) && !s['x-kubernetes-preserve-unknown-fields'] && !s.allOf && !s.anyOf && !s.oneOf) {
      s.additionalProperties = false;
    }
  });
  const defs = out.definitions;
  if (isSchema(defs)) {
    for (const [name, def] of Object.entries(defs)) {
      // resource.Quantity: the server takes numbers too (cpu: 2).
      if ((name === 'resource.Quantity' || name.endsWith('.api.resource.Quantity')) && isSchema(def)) def.type = ['string', 'integer', 'number'];
    }
  }
  return out;
}

const NUMBER_FORMATS: Record<string, (v: number) => boolean> = {
  int32: (v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31,
  int64: (v) => Number.isInteger(v),
  float: () => true,
  double: () => true,
};
const STRING_FORMATS: Record<string, (v: string) => boolean> = {
  byte: (v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v),
  'date-time': (v) => !Number.isNaN(Date.parse(v)),
};

export interface ValidationResult {
  key: string;
  /** No schema for this kind here. */
  skipped: boolean;
  valid: boolean;
  errors: string[];
}

export type Validator = (obj: unknown) => ValidationResult;

export function makeValidator({ strict = true }: { strict?: boolean } = {}): Validator {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, allowUnionTypes: true });
  const keywords = new Set<string>();
  const formats = new Set<string>();
  for (const [id, src] of Object.entries(SOURCES)) {
    const raw = JSON.parse(readFileSync(path.join(SCHEMA_DIR, src.file), 'utf8')) as Schema;
    const base: Schema = src.swagger ? { definitions: raw.definitions } : raw;
    const props = base.properties;
    if (!src.swagger && isSchema(props) && isSchema(props.metadata) && !props.metadata.properties) {
      props.metadata = { $ref: 'kubevirt#/definitions/k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta' };
    }
    const schema = { $id: id, ...prepare(base, strict) };
    walk(schema, (s) => {
      for (const k of Object.keys(s)) if (k.startsWith('x-')) keywords.add(k);
      if (typeof s.format === 'string') formats.add(s.format);
    });
    ajv.addSchema(schema);
  }
  ajv.addVocabulary([...keywords]);
  for (const f of formats) {
    const numeric = NUMBER_FORMATS[f];
    const text = STRING_FORMATS[f];
    if (numeric) ajv.addFormat(f, { type: 'number', validate: numeric });
    else if (text) ajv.addFormat(f, { type: 'string', validate: text });
    // Formats without a checker here (none we emit) are accepted, as the example validator does.
    else ajv.addFormat(f, true);
  }
  const cache = new Map<string, ValidateFunction>();
  return (obj) => {
    const o = obj as { apiVersion?: unknown; kind?: unknown };
    const key = `${String(o?.apiVersion)} ${String(o?.kind)}`;
    const ref = SCHEMA_FOR_KIND[key];
    if (!ref) return { key, skipped: true, valid: true, errors: [] };
    let validate = cache.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      cache.set(ref, validate);
    }
    const valid = validate(obj);
    const errors = (validate.errors ?? []).map((e) => {
      const extra = (e.params as { additionalProperty?: string }).additionalProperty;
      return `${e.instancePath || '/'} ${e.message ?? ''}${extra ? ` '${extra}'` : ''}`;
    });
    return { key, skipped: false, valid, errors };
  };
}
