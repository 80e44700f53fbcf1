/**
 * The example workflows that publish images people should trust (verified-release.yml,
 * golden-refresh.yml) attest build provenance on the digest a RudderVirt step pushed
 * (actions/attest-build-provenance) and sign that digest with cosign, as steps after the push,
 * with the permissions those need. metadata.test.ts runs every workflow through the real validator
 * and checks the outputs they use exist; this checks what they do with them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/node24.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const read = (file: string): Workflow => parse(readFileSync(path.join(repoRoot, 'examples', 'workflows', file), 'utf8')) as Workflow;

/** The steps that push an image: publish-containerdisk, or the root action given an image. */
const pushes = (s: Step): boolean => /^ruddervirt\/ruddervirt\/actions\/publish-containerdisk@v1$/.test(s.uses ?? '') || (s.uses === 'ruddervirt/ruddervirt@v1' && s.with?.image !== undefined);

describe.each(['verified-release.yml', 'golden-refresh.yml'])('%s', (file) => {
  const wf = read(file);
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
  const push = steps.findIndex(pushes);
  const pushed = steps[push];

  it('pushes an image from a step with an id', () => {
    expect(push).toBeGreaterThanOrEqual(0);
    expect(pushed?.id).toBeTruthy();
  });

  it('attests build provenance on the pushed digest, after the push', () => {
    const attest = steps.findIndex((s) => /^actions\/attest-build-provenance@v\d+$/.test(s.uses ?? ''));
    expect(attest).toBeGreaterThan(push);
    expect(steps[attest]!.with).toMatchObject({
      'subject-name': `\${{ steps.${pushed!.id}.outputs.image }}`,
      'subject-digest': `\${{ steps.${pushed!.id}.outputs.digest }}`,
      'push-to-registry': true,
    });
    expect(wf.permissions).toMatchObject({ 'id-token': 'write', attestations: 'write', packages: 'write' });
  });

  it('installs cosign and signs the pushed digest (image@sha256, never a tag), after the push', () => {
    const install = steps.findIndex((s) => /^sigstore\/cosign-installer@v\d+$/.test(s.uses ?? ''));
    const sign = steps.findIndex((s) => /cosign sign --yes "\$IMAGE_REF"/.test(s.run ?? ''));
    expect(install).toBeGreaterThan(push);
    expect(sign).toBeGreaterThan(install);
    expect(steps[sign]!.env?.IMAGE_REF).toBe(`\${{ steps.${pushed!.id}.outputs.image-ref }}`);
  });
});

describe('verified-release.yml', () => {
  it('verifies before it pushes, and attests the SBOM the build read with cosign', () => {
    const steps = Object.values(read('verified-release.yml').jobs).flatMap((j) => j.steps);
    const verify = steps.findIndex((s) => s.uses === 'ruddervirt/ruddervirt/actions/verify@v1');
    expect(verify).toBeGreaterThanOrEqual(0);
    expect(verify).toBeLessThan(steps.findIndex(pushes));
    expect(steps.some((s) => /cosign attest --yes --type spdxjson --predicate "\$SBOM" "\$IMAGE_REF"/.test(s.run ?? ''))).toBe(true);
  });
});
