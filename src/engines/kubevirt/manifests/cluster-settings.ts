/**
 * The cluster settings each VM's objects are rendered with: the build's `kubevirt:` block, the
 * VM's own block over it, and the engine options (CLI flags, action inputs) over both
 * (core/config/kubevirt-settings.ts). Problems with a setting are reported where it was given: the
 * VM's block, the build's block, or the command line.
 */
import { effectiveSettings, type KubevirtKey, type KubevirtSettings, type Toleration } from '../../../core/config/kubevirt-settings.js';
import { reportVmProblem, type RenderContext, type VmScope } from './render-context.js';

/** The image of both helper pods unless the build or the options name others: busybox has httpd and nc. */
export const DEFAULT_HELPER_IMAGE = 'docker.io/library/busybox:1.37';

export function vmSettings(ctx: RenderContext, scope: VmScope | undefined): KubevirtSettings {
  return effectiveSettings(ctx.build.kubevirt, scope?.vm.kubevirt, ctx.options.kubevirt).settings;
}

export function httpServerImage(settings: KubevirtSettings): string {
  return settings.httpServerImage ?? DEFAULT_HELPER_IMAGE;
}

export function sshJumpImage(settings: KubevirtSettings): string {
  return settings.sshJumpImage ?? settings.httpServerImage ?? DEFAULT_HELPER_IMAGE;
}

/**
 * Where a helper pod of the VM (file server, SSH jump pod) may run: the VM's nodeSelector and
 * tolerations, so a build confined to labelled or tainted nodes keeps its helpers there too.
 * Affinity stays the VM's: its pod terms describe the VM's neighbours, not the helpers'.
 */
export function helperPlacement(settings: KubevirtSettings): { nodeSelector?: Record<string, string>; tolerations?: Toleration[] } {
  return {
    ...(settings.nodeSelector && Object.keys(settings.nodeSelector).length > 0 ? { nodeSelector: { ...settings.nodeSelector } } : {}),
    ...(settings.tolerations && settings.tolerations.length > 0 ? { tolerations: settings.tolerations.map((t) => ({ ...t })) } : {}),
  };
}

/**
 * Reports a problem with setting `key` (and `rest`, a field below it) where that setting was given;
 * the same problem of a build-wide setting is reported once, however many VMs meet it.
 */
export function reportSettingProblem(ctx: RenderContext, scope: VmScope, key: KubevirtKey, rest: string, message: string): void {
  const { origin } = effectiveSettings(ctx.build.kubevirt, scope.vm.kubevirt, ctx.options.kubevirt);
  const field = `kubevirt.${key}${rest ? `.${rest}` : ''}`;
  switch (origin[key]) {
    case 'vm':
      reportVmProblem(ctx, scope, field, message);
      return;
    case 'build': {
      if (ctx.problems.some((p) => p.path === field && p.message === `kubevirt engine: ${message}`)) return;
      const positions = ctx.build.kubevirt?.positions ?? {};
      const pos = positions[`${key}${rest ? `.${rest}` : ''}`] ?? positions[key];
      ctx.problems.push({ file: pos?.file ?? ctx.build.file, line: pos?.line ?? 1, column: pos?.column ?? 1, path: field, message: `kubevirt engine: ${message}` });
      return;
    }
    default:
      if (ctx.problems.some((p) => p.path === field && p.message.startsWith(`kubevirt engine: ${message} (`))) return;
      ctx.problems.push({ file: ctx.build.file, line: 1, column: 1, path: field, message: `kubevirt engine: ${message} (given on the command line or as an action input)` });
  }
}
