/**
 * Acceptance: `ruddervirt render` output for every example validates against the real KubeVirt,
 * CDI, Kube-OVN and snapshot schemas (strict: unknown fields fail, as with kubectl's strict field
 * validation), passes the admission rules the schemas cannot express, and matches its golden file
 * in test/golden/kubevirt (regenerate with `npm run generate`, then review the diff).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderedToYaml } from '../../../src/engines/kubevirt/manifests/to-yaml.js';
import type { AnyManifest } from '../../../src/engines/kubevirt/manifests/types.js';
import { exampleFiles, KUBEVIRT_GOLDEN_DIR, kubevirtGolden, RENDER_VARIANTS, renderExample } from '../../../scripts/generated-files.js';
import { repoRoot } from '../../helpers/node24.js';
import { admissionProblems } from './kubevirt-admission.js';
import { makeValidator, type Validator } from './schema-validator.js';

const goldenDir = KUBEVIRT_GOLDEN_DIR;
const examples = exampleFiles();

/** Kinds with no schema among the fixtures (core Kubernetes and Multus); kubevirt-admission.ts checks them. */
const NO_SCHEMA = new Set(['v1 ConfigMap', 'v1 Secret', 'v1 Pod', 'k8s.cni.cncf.io/v1 NetworkAttachmentDefinition']);

const VARIANTS = RENDER_VARIANTS;
const render = renderExample;

let validate: Validator;
beforeAll(() => {
  validate = makeValidator({ strict: true });
});

it('finds the examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(5);
});

describe.each(examples)('examples/%s', (example) => {
  it.each(VARIANTS)('validates against the upstream schemas and admission rules ($name)', (variant) => {
    const rendered = render(example, variant);
    // What is printed is what is checked: parse the YAML back.
    const objects = parseAllDocuments(renderedToYaml(rendered)).map((d) => d.toJS() as AnyManifest);
    expect(objects).toHaveLength(rendered.objects.length);
    const failures: string[] = [];
    for (const object of objects) {
      const result = validate(object);
      if (result.skipped) {
        if (!NO_SCHEMA.has(result.key)) failures.push(`${result.key} ${object.metadata.name}: no schema to check it`);
        continue;
      }
      if (!result.valid) failures.push(`${result.key} ${object.metadata.name}: ${result.errors.join('; ')}`);
    }
    failures.push(...admissionProblems(objects));
    expect(failures).toEqual([]);
  });

  it('matches its golden file', () => {
    const golden = path.join(goldenDir, example);
    expect(existsSync(golden), `no golden file ${path.relative(repoRoot, golden)}: run npm run generate and review it`).toBe(true);
    expect(kubevirtGolden(example), `${path.relative(repoRoot, golden)} is stale: run npm run generate and review the diff`).toBe(readFileSync(golden, 'utf8'));
  });
});

describe('the schema check', () => {
  it('catches a misspelt field and a wrong type in a rendered VirtualMachine', () => {
    const vm = render('debian-cloud.yaml').objects.find((o) => o.object.kind === 'VirtualMachine')!.object as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(validate(vm).valid).toBe(true);
    const typo = structuredClone(vm);
    typo.spec.template.spec.domain.devices.disk = typo.spec.template.spec.domain.devices.disks;
    expect(validate(typo).errors.join()).toMatch(/additional properties 'disk'/);
    const wrongType = structuredClone(vm);
    wrongType.spec.template.spec.domain.cpu.cores = 'two';
    expect(validate(wrongType).valid).toBe(false);
  });

  it('catches a VpcEgressGateway without its required external subnet', () => {
    const gateway = render('module.yaml').objects.find((o) => o.object.kind === 'VpcEgressGateway')!.object as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(validate(gateway).valid).toBe(true);
    delete gateway.spec.externalSubnet;
    expect(validate(gateway).valid).toBe(false);
  });

  it('the admission checks catch a cdrom on virtio and Secure Boot without SMM', () => {
    const objects = render('windows.yaml').objects.map((o) => structuredClone(o.object)) as unknown as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const vm = objects.find((o) => o.kind === 'VirtualMachine')!;
    vm.spec.template.spec.domain.devices.disks.find((d: { cdrom?: { bus: string } }) => d.cdrom).cdrom.bus = 'virtio';
    vm.spec.template.spec.domain.firmware.bootloader.efi.secureBoot = true;
    const problems = admissionProblems(objects as unknown as AnyManifest[]);
    expect(problems.join('\n')).toMatch(/cdrom\.bus: Bus type virtio is invalid for CD-ROM device/);
    expect(problems.join('\n')).toMatch(/SecureBoot requires SMM, which is currently disabled/);
  });
});
