/**
 * The build report on a pull request, when asked: one comment per build (updated in place on the
 * next run, found by a hidden marker) and/or a check run on the head commit. Permissions the
 * token needs, least by default (both are off unless enabled):
 *   pr-comment: true → pull-requests: write     check-run: true → checks: write
 * Failing to report never fails the build; it is a warning.
 */
import type { Logger } from '../../core/log.js';

export const COMMENT_LIMIT = 65_000;

export interface ReportRequest {
  token: string;
  buildName: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  markdown: string;
  comment: boolean;
  checkRun: boolean;
  logger: Logger;
}

export function commentMarker(buildName: string): string {
  return `<!-- ruddervirt-build-report:${buildName.replaceAll('--', '-')} -->`;
}

function fit(text: string): string {
  return text.length <= COMMENT_LIMIT ? text : `${text.slice(0, COMMENT_LIMIT - 80)}\n\n_(cut; the job summary has the full report)_`;
}

export async function reportToGitHub(req: ReportRequest): Promise<{ commentUrl?: string; checkRunUrl?: string }> {
  const out: { commentUrl?: string; checkRunUrl?: string } = {};
  if (!req.comment && !req.checkRun) return out;
  // Imported here: only a build that reports to a pull request needs Octokit loaded.
  const github = await import('@actions/github');
  const ctx = github.context;
  const octokit = github.getOctokit(req.token);
  const { owner, repo } = ctx.repo;
  const pr = ctx.payload.pull_request as { number: number; head?: { sha?: string } } | undefined;
  const title = `RudderVirt build ${req.buildName}: ${req.status}`;

  if (req.comment) {
    if (!pr) {
      req.logger.info('pr-comment: not a pull_request event; no comment');
    } else {
      try {
        const marker = commentMarker(req.buildName);
        const body = fit(`${marker}\n## ${title}\n\n${req.markdown}`);
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: pr.number, per_page: 100 });
        const mine = comments.find((c) => c.body?.startsWith(marker));
        const res = mine ? await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body }) : await octokit.rest.issues.createComment({ owner, repo, issue_number: pr.number, body });
        out.commentUrl = res.data.html_url;
        req.logger.info(`pr-comment: ${mine ? 'updated' : 'posted'} ${res.data.html_url}`);
      } catch (err) {
        req.logger.warn(`pr-comment failed (the token needs pull-requests: write): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  if (req.checkRun) {
    try {
      const res = await octokit.rest.checks.create({
        owner,
        repo,
        name: `RudderVirt: ${req.buildName}`,
        head_sha: pr?.head?.sha ?? ctx.sha,
        status: 'completed',
        conclusion: req.status === 'succeeded' ? 'success' : req.status === 'cancelled' ? 'cancelled' : 'failure',
        output: { title, summary: fit(req.markdown) },
      });
      out.checkRunUrl = res.data.html_url ?? undefined;
      req.logger.info(`check-run: ${res.data.html_url}`);
    } catch (err) {
      req.logger.warn(`check-run failed (the token needs checks: write): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
