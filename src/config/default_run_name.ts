/**
 * Default GridFleet run name: from common CI variables when present (so the dashboard shows the pipeline),
 * else a readable timestamped name.
 *
 * @param env - environment to read.
 * @param now - clock, for tests.
 */
export function defaultRunName(env: NodeJS.ProcessEnv, now: Date = new Date()): string {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const github = get('GITHUB_RUN_ID');
  if (github) {
    const repo = get('GITHUB_REPOSITORY') ?? 'github';
    const attempt = get('GITHUB_RUN_ATTEMPT');
    return `${repo} #${github}${attempt && attempt !== '1' ? `.${attempt}` : ''}${get('GITHUB_JOB') ? ` ${get('GITHUB_JOB')}` : ''}`;
  }
  const gitlab = get('CI_PIPELINE_ID');
  if (gitlab)
    return `${get('CI_PROJECT_PATH') ?? 'gitlab'} pipeline ${gitlab}${get('CI_JOB_NAME') ? ` ${get('CI_JOB_NAME')}` : ''}`;
  const jenkins = get('BUILD_TAG');
  if (jenkins) return jenkins;
  const buildkite = get('BUILDKITE_BUILD_NUMBER');
  if (buildkite) return `${get('BUILDKITE_PIPELINE_SLUG') ?? 'buildkite'} #${buildkite}`;
  const circle = get('CIRCLE_BUILD_NUM');
  if (circle) return `${get('CIRCLE_PROJECT_REPONAME') ?? 'circleci'} #${circle}`;
  const azure = get('BUILD_BUILDID');
  if (azure) return `${get('BUILD_DEFINITIONNAME') ?? 'azure'} #${azure}`;
  const stamp = now.toISOString().replace('T', ' ').slice(0, 19);
  return `cucumber ${stamp} UTC`;
}
