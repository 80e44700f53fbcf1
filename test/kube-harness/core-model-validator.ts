/**
 * Structural checks for the built-in kinds (Pod, Secret, Service …) from the models generated into
 * @kubernetes/client-node (its OpenAPI release-1.36 attribute tables): every key must be a field
 * of its type, and every value must have the field's JSON type. That is what kube-apiserver's
 * strict JSON decoding into the Go structs enforces; the fixtures hold no core schemas, and these
 * generated models are the same ones our code and tests are typed with.
 */
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

type ModelClass = { getAttributeTypeMap(): Attribute[] };

export interface DecodeProblem {
  /** "spec.containers[0].ports[0].containerPort" */
  path: string;
  kind: 'unknown-field' | 'wrong-type';
  message: string;
}

/** Resource quantities are strings in the model but the server takes numbers too (cpu: 2). */
const QUANTITY_FIELDS = new Set(['requests', 'limits', 'capacity', 'allocatable', 'hard', 'used', 'overhead', 'allocatedResources', 'sizeLimit', 'storage']);

function model(name: string): ModelClass | undefined {
  const candidate = (k8s as unknown as Record<string, unknown>)[name];
  return typeof candidate === 'function' && typeof (candidate as Partial<ModelClass>).getAttributeTypeMap === 'function' ? (candidate as unknown as ModelClass) : undefined;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  return typeof v;
}

function goType(type: string): string {
  if (type.startsWith('Array<')) return `[]${goType(type.slice(6, -1))}`;
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return `map[string]${goType(map[1]!)}`;
  if (type === 'number') return 'int';
  if (type === 'Date') return 'Time';
  return /^V\d/.test(type) ? `v1.${type.replace(/^V\d+(?:alpha\d+|beta\d+)?/, '')}` : type;
}

export class CoreModelValidator {
  /** Problems in `value` as an instance of the model named `typeName` ("V1Pod"). */
  check(typeName: string, value: unknown): DecodeProblem[] {
    const problems: DecodeProblem[] = [];
    this.checkValue(typeName, '', value, problems, '');
    return problems;
  }

  private checkValue(type: string, path: string, value: unknown, out: DecodeProblem[], fieldName: string, format = ''): void {
    if (value === null || value === undefined) return; // null is "unset" for the Go decoder
    const wrong = () => out.push({ path, kind: 'wrong-type', message: `json: cannot unmarshal ${jsonType(value)} into Go struct field ${path || 'object'} of type ${goType(type)}` });
    if (type.startsWith('Array<')) {
      if (!Array.isArray(value)) return void wrong();
      const inner = type.slice(6, -1);
      value.forEach((v, i) => this.checkValue(inner, `${path}[${i}]`, v, out, fieldName, format));
      return;
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) {
      if (jsonType(value) !== 'object') return void wrong();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (map[1] === 'string' && QUANTITY_FIELDS.has(fieldName) && typeof v === 'number') continue;
        this.checkValue(map[1]!, `${path}[${k}]`, v, out, fieldName, format);
      }
      return;
    }
    switch (type) {
      case 'string':
        if (typeof value === 'string') {
          if (format === 'byte' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) out.push({ path, kind: 'wrong-type', message: `illegal base64 data in ${path}` });
          return;
        }
        if (typeof value === 'number' && QUANTITY_FIELDS.has(fieldName)) return;
        return void wrong();
      case 'number':
        if (typeof value !== 'number') return void wrong();
        if ((format === 'int32' || format === 'int64') && !Number.isInteger(value)) return void wrong();
        return;
      case 'boolean':
        if (typeof value !== 'boolean') wrong();
        return;
      case 'Date':
        if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) wrong();
        return;
      case 'IntOrString':
        if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) wrong();
        return;
      case 'any':
      case 'object':
        return;
    }
    const cls = model(type);
    if (!cls) return; // a type the package does not describe: accept, as the server would decode it opaquely
    if (jsonType(value) !== 'object') return void wrong();
    const attributes = cls.getAttributeTypeMap();
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const attr = attributes.find((a) => a.baseName === key);
      const childPath = path ? `${path}.${key}` : key;
      if (!attr) {
        out.push({ path: childPath, kind: 'unknown-field', message: `unknown field "${childPath}"` });
        continue;
      }
      this.checkValue(attr.type, childPath, v, out, key, attr.format);
    }
  }
}

/** The client-node model of each built-in kind the harness serves. */
export const CORE_MODELS: Record<string, string> = {
  'v1 Namespace': 'V1Namespace',
  'v1 ConfigMap': 'V1ConfigMap',
  'v1 Secret': 'V1Secret',
  'v1 Pod': 'V1Pod',
  'v1 Service': 'V1Service',
  'v1 PersistentVolumeClaim': 'V1PersistentVolumeClaim',
  'v1 Event': 'CoreV1Event',
  'v1 Node': 'V1Node',
  'v1 ServiceAccount': 'V1ServiceAccount',
  'apps/v1 Deployment': 'V1Deployment',
  'apps/v1 DaemonSet': 'V1DaemonSet',
  'rbac.authorization.k8s.io/v1 ClusterRole': 'V1ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': 'V1ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1 Role': 'V1Role',
  'rbac.authorization.k8s.io/v1 RoleBinding': 'V1RoleBinding',
  'scheduling.k8s.io/v1 PriorityClass': 'V1PriorityClass',
  'apiextensions.k8s.io/v1 CustomResourceDefinition': 'V1CustomResourceDefinition',
  'storage.k8s.io/v1 StorageClass': 'V1StorageClass',
  'authorization.k8s.io/v1 SelfSubjectAccessReview': 'V1SelfSubjectAccessReview',
  'autoscaling/v1 Scale': 'V1Scale',
  'v1 DeleteOptions': 'V1DeleteOptions',
};
