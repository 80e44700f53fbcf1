/**
 * What the API server checks in a body before anything is stored, with its answers:
 * - decoding: unknown fields ("strict decoding error: unknown field \"spec.foo\"", 400 under
 *   fieldValidation=Strict; dropped with a warning under Warn; dropped silently under Ignore) and,
 *   for built-in kinds, wrong JSON types (400 "cannot unmarshal …");
 * - schema: for custom resources, the OpenAPI schemas in test/fixtures/schemas (through the
 *   validator in test/unit/kubevirt/schema-validator.ts) — wrong types, enums, required fields are
 *   422 Invalid with one cause per field;
 * - metadata: name, generateName, label and annotation syntax (422);
 * - then the CRD schema's defaults fill absent fields (crd-defaults.ts).
 */
import { SCHEMA_FOR_KIND, makeValidator, type Validator } from '../unit/kubevirt/schema-validator.js';
import { badRequest, invalid, type StatusCause } from './api-errors.js';
import { CORE_MODELS, CoreModelValidator } from './core-model-validator.js';
import { applyCrdDefaults } from './crd-defaults.js';
import type { KubeObject } from './object-store.js';
import type { ResourceType } from './resources.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

// Kinds the shared validator has no entry for, from the same swaggers (schemas/README.md's table).
// Added only where missing, so the entries other tests rely on stay as they are.
const EXTRA_SCHEMAS: Record<string, string> = {
  'kubevirt.io/v1 VirtualMachineInstance': 'kubevirt#/definitions/v1.VirtualMachineInstance',
  'kubevirt.io/v1 KubeVirt': 'kubevirt#/definitions/v1.KubeVirt',
  'snapshot.kubevirt.io/v1beta1 VirtualMachineSnapshotContent': 'kubevirt#/definitions/v1beta1.VirtualMachineSnapshotContent',
  'upload.cdi.kubevirt.io/v1beta1 UploadTokenRequest': 'cdi#/definitions/v1beta1.UploadTokenRequest',
  'cdi.kubevirt.io/v1beta1 CDIConfig': 'cdi#/definitions/v1beta1.CDIConfig',
  'cdi.kubevirt.io/v1beta1 DataSource': 'cdi#/definitions/v1beta1.DataSource',
};
for (const [key, ref] of Object.entries(EXTRA_SCHEMAS)) if (!(key in SCHEMA_FOR_KIND)) SCHEMA_FOR_KIND[key] = ref;

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9](?:[-_.A-Za-z0-9]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-_.A-Za-z0-9]*[A-Za-z0-9])?)?$/;

/** Kinds whose names must be DNS labels (they become host names or DNS names). */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

export interface DecodeResult {
  object: KubeObject;
  warnings: string[];
}

let sharedSchemaValidator: Validator | undefined;
const coreValidator = new CoreModelValidator();

function schemaValidator(): Validator {
  sharedSchemaValidator ??= makeValidator({ strict: true });
  return sharedSchemaValidator;
}

/** "/spec/template/0/name" → "spec.template[0].name" */
function dotted(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function deleteAt(object: unknown, dottedPath: string): void {
  const parts = dottedPath.match(/[^.[\]]+/g) ?? [];
  let node = object as Record<string, unknown> | undefined;
  for (const part of parts.slice(0, -1)) node = node?.[part] as Record<string, unknown> | undefined;
  if (node && typeof node === 'object') delete node[parts[parts.length - 1]!];
}

function valueAt(object: unknown, dottedPath: string): unknown {
  let node: unknown = object;
  for (const part of dottedPath.match(/[^.[\]]+/g) ?? []) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

function cannotBeHandled(object: KubeObject, detail: string): Error {
  const version = object.apiVersion.split('/').pop();
  return badRequest(`${object.kind} in version "${version}" cannot be handled as a ${object.kind}: ${detail}`);
}

/**
 * Decodes and schema-checks `object` (in place: unknown fields are dropped unless Strict).
 * Throws the API server's 400 or 422.
 */
export function validateBody(resource: ResourceType, object: KubeObject, fieldValidation: FieldValidation): DecodeResult {
  const key = `${object.apiVersion} ${object.kind}`;
  const warnings: string[] = [];
  const coreModel = CORE_MODELS[key];
  let unknown: string[] = [];
  const causes: StatusCause[] = [];
  if (coreModel) {
    const problems = coreValidator.check(coreModel, object);
    const wrong = problems.filter((p) => p.kind === 'wrong-type');
    if (wrong.length > 0) throw cannotBeHandled(object, wrong[0]!.message);
    unknown = problems.filter((p) => p.kind === 'unknown-field').map((p) => p.path);
  } else if (resource.kind === 'NetworkAttachmentDefinition') {
    unknown = networkAttachmentProblems(object, causes);
  } else if (resource.kind === 'StorageProfile') {
    unknown = storageProfileProblems(object, causes);
  } else if (resource.fromCrd && !(key in SCHEMA_FOR_KIND)) {
    // A CRD the harness has no schema fixture for (CDI's `CDI`, say): stored as sent.
  } else {
    // Upload token requests are answered by CDI's own API server, which fills the status itself.
    const checked = resource.kind === 'UploadTokenRequest' ? { ...object, status: object.status ?? {} } : object;
    const result = schemaValidator()(checked);
    if (result.skipped) throw new Error(`internal: no schema for ${key}`);
    for (const error of result.errors) {
      const m = /^(\S+) (.*)$/.exec(error);
      const pointer = m?.[1] === '/' ? '' : (m?.[1] ?? '');
      const message = m?.[2] ?? error;
      const extra = /must NOT have additional properties '(.+)'$/.exec(message);
      if (extra) {
        unknown.push(dotted(`${pointer}/${extra[1]}`));
        continue;
      }
      const field = dotted(pointer);
      const required = /must have required property '(.+)'$/.exec(message);
      if (required) {
        causes.push({ reason: 'FieldValueRequired', field: field ? `${field}.${required[1]}` : required[1]!, message: 'Required value' });
        continue;
      }
      // Ajv reports each failed branch of anyOf/oneOf too; the summary line is enough.
      if (causes.some((c) => c.field === field)) continue;
      causes.push({ field, message: `Invalid value: ${JSON.stringify(valueAt(object, field))}: ${field || 'body'} in body ${message}` });
    }
  }
  if (unknown.length > 0) {
    const text = unknown.map((u) => `unknown field "${u}"`);
    if (fieldValidation === 'Strict') throw cannotBeHandled(object, `strict decoding error: ${text.join(', ')}`);
    for (const u of unknown) deleteAt(object, u);
    if (fieldValidation === 'Warn') warnings.push(...text);
  }
  causes.push(...metadataProblems(resource, object));
  if (causes.length > 0) throw invalid(object.kind, resource.group, object.metadata?.name ?? object.metadata?.generateName ?? '', causes);
  applyCrdDefaults(object);
  return { object, warnings };
}

function networkAttachmentProblems(object: KubeObject, causes: StatusCause[]): string[] {
  const unknown = Object.keys(object)
    .filter((k) => !['apiVersion', 'kind', 'metadata', 'spec'].includes(k))
    .map((k) => k);
  const spec = object.spec as Record<string, unknown> | undefined;
  if (spec !== undefined) {
    if (typeof spec !== 'object' || spec === null) causes.push({ field: 'spec', message: 'Invalid value: spec in body must be of type object' });
    else {
      unknown.push(
        ...Object.keys(spec)
          .filter((k) => k !== 'config')
          .map((k) => `spec.${k}`),
      );
      if (spec.config !== undefined && typeof spec.config !== 'string') causes.push({ field: 'spec.config', message: 'Invalid value: spec.config in body must be of type string' });
    }
  }
  return unknown;
}

/**
 * CDI's StorageProfile CRD (no fixture swagger has it): the spec fields an admin sets, checked as
 * kubevirt/containerized-data-importer
 * staging/src/kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1/types.go
 * StorageProfileSpec and ClaimPropertySet (v1.66.0) type them.
 */
function storageProfileProblems(object: KubeObject, causes: StatusCause[]): string[] {
  const unknown = Object.keys(object).filter((k) => !['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k));
  const spec = object.spec as Record<string, unknown> | undefined;
  if (spec === undefined) return unknown;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    causes.push({ field: 'spec', message: 'Invalid value: spec in body must be of type object' });
    return unknown;
  }
  const known = ['claimPropertySets', 'cloneStrategy', 'dataImportCronSourceFormat', 'snapshotClass'];
  unknown.push(
    ...Object.keys(spec)
      .filter((k) => !known.includes(k))
      .map((k) => `spec.${k}`),
  );
  const sets = spec.claimPropertySets;
  if (sets === undefined) return unknown;
  if (!Array.isArray(sets)) causes.push({ field: 'spec.claimPropertySets', message: 'Invalid value: spec.claimPropertySets in body must be of type array' });
  else
    sets.forEach((set: Record<string, unknown>, i) => {
      const at = `spec.claimPropertySets[${i}]`;
      if (set.accessModes !== undefined && (!Array.isArray(set.accessModes) || set.accessModes.some((m) => typeof m !== 'string')))
        causes.push({ field: `${at}.accessModes`, message: `Invalid value: ${at}.accessModes in body must be of type array of strings` });
      if (set.volumeMode !== undefined && typeof set.volumeMode !== 'string') causes.push({ field: `${at}.volumeMode`, message: `Invalid value: ${at}.volumeMode in body must be of type string` });
      unknown.push(
        ...Object.keys(set)
          .filter((k) => k !== 'accessModes' && k !== 'volumeMode')
          .map((k) => `${at}.${k}`),
      );
    });
  return unknown;
}

function validKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/**
 * RBAC objects' names are only path segments (kubernetes/kubernetes pkg/apis/rbac/validation
 * ValidateRBACName = path.IsValidPathSegmentName, at v1.34.0): "kubevirt.io:operator" is valid.
 */
const PATH_SEGMENT_NAMED = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

export function nameProblem(kind: string, name: string): string | undefined {
  if (PATH_SEGMENT_NAMED.has(kind)) {
    if (name === '.' || name === '..') return `may not be '${name}'`;
    for (const bad of ['/', '%']) if (name.includes(bad)) return `may not contain '${bad}'`;
    return undefined;
  }
  if (LABEL_NAMED.has(kind)) {
    if (name.length > 63 || !DNS_LABEL.test(name)) {
      return `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;
    }
    return undefined;
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
  }
  return undefined;
}

function metadataProblems(resource: ResourceType, object: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const m = object.metadata ?? {};
  if (typeof m.name === 'string' && m.name !== '') {
    const problem = nameProblem(resource.kind, m.name);
    if (problem) causes.push({ field: 'metadata.name', message: `Invalid value: "${m.name}": ${problem}` });
  }
  if (typeof m.generateName === 'string' && m.generateName !== '' && !/^[a-z0-9]([-a-z0-9.]*)$/.test(m.generateName)) {
    causes.push({ field: 'metadata.generateName', message: `Invalid value: "${m.generateName}": ${nameProblem(resource.kind, 'X')}` });
  }
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    if (!validKey(k))
      causes.push({ field: 'metadata.labels', message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      causes.push({
        field: 'metadata.labels',
        message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
  }
  for (const k of Object.keys(m.annotations ?? {})) {
    if (!validKey(k))
      causes.push({ field: 'metadata.annotations', message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
  }
  const annotationBytes = Object.entries(m.annotations ?? {}).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (annotationBytes > 256 * 1024) causes.push({ field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' });
  return causes;
}
