/**
 * The sbom step: after the provisioners, the guest's package database is read over SSH
 * (src/core/sbom) into an SPDX document that export writes beside the image. A guest without a
 * package database is not an error: the phase is recorded as skipped, with the reason.
 */
import pkg from '../../../../package.json' with { type: 'json' };
import type { RemoteCommunicator } from '../../communicator/types.js';
import type { Build, Layer, Vm } from '../../config/model.js';
import type { Logger } from '../../log.js';
import { readGuestSbom, type GuestSbom } from '../../sbom/read-guest.js';
import type { PhaseRunner } from '../phase.js';

export interface ReadSbomRequest {
  build: Build;
  layer: Layer;
  vm: Vm;
  comm: RemoteCommunicator;
  phases: PhaseRunner;
  logger: Logger;
}

export async function readSbom(req: ReadSbomRequest): Promise<GuestSbom> {
  const { phases, logger } = req;
  const result = await phases.run('sbom', (signal) => readGuestSbom({ comm: req.comm, name: `${req.build.name} ${req.layer.name}/${req.vm.name}`, tool: { name: 'ruddervirt', version: pkg.version }, signal }));
  const record = phases.records.at(-1);
  if ('skipped' in result) {
    logger.info(`sbom: skipped: ${result.skipped}`);
    // The probe ran (and took its time), but there is no SBOM: the phase reads as skipped, with why.
    if (record?.phase === 'sbom') Object.assign(record, { status: 'skipped', detail: result.skipped });
  } else {
    logger.info(`sbom: ${result.packages} ${result.manager} package(s)`);
    if (record?.phase === 'sbom') record.detail = `${result.packages} ${result.manager} packages`;
  }
  return result;
}
