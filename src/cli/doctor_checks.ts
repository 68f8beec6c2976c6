import { resolvePackPlatform } from '../appium/pack_platform_resolver';
import { GridFleetClient } from '../client/client';
import { ENV_VARS, readGridFleetEnv } from '../client/env';
import { errorText } from '../client/error_text';
import { GridFleetApiError, GridFleetTransportError } from '../client/errors';
import type { DriverPackCatalog } from '../client/schemas/catalog';
import { findCucumber, SUPPORTED_CUCUMBER } from './cucumber_version';
import { generationAndGridChecks } from './doctor_grid_checks';
import type { ProjectConfig } from './project_config';

/** Outcome of one attempt of a check. */
export interface CheckResult {
  /** `ok`, or `fail` (retried while `retryable` and time is left). */
  status: 'ok' | 'fail';
  /** One line: what was found. */
  summary: string;
  /** How to fix a failure. */
  fix?: string | undefined;
  /** Whether waiting may help (something still starting); false for configuration mistakes. */
  retryable?: boolean | undefined;
}

/** One doctor check. */
export interface DoctorCheck {
  /** Stable id (JSON output). */
  id: string;
  /** What is checked, as printed. */
  title: string;
  /** Checks that must be ok first; otherwise this one is skipped. */
  dependsOn: string[];
  /** One attempt. */
  run(): Promise<CheckResult>;
}

const TERMINAL = ['completed', 'cancelled', 'expired', 'failed'];
const redact = (url: string): string => url.replace(/\/\/[^/@]*@/, '//');

/**
 * The doctor's checks in order: configuration, cucumber-js, manager, credentials, catalog (requested
 * platforms, or the joined run), the manager's generation, then the WebDriver side for that generation
 * (router era: the GridFleet router and devices per platform; before: the Selenium Grid and its slots).
 * They share what earlier ones learned (the catalog, the joined run's platforms, the generation).
 */
export function doctorChecks(project: ProjectConfig, cwd: string, env: NodeJS.ProcessEnv): DoctorCheck[] {
  const apiUrl = project.apiUrl;
  const gridUrl = project.gridUrl;
  const client = new GridFleetClient(apiUrl, { env, logger: { warn: () => undefined } });
  let catalog: DriverPackCatalog | undefined;
  let platformIds = [...new Set(project.lanes.map((l) => l.platform_id))];
  const runId = project.config?.runId;

  return [
    {
      id: 'config',
      title: 'gridfleet configuration',
      dependsOn: [],
      async run() {
        if (project.error !== undefined) {
          return {
            status: 'fail',
            summary: project.error,
            fix: 'Correct the values named above (worldParameters.gridfleet in the cucumber config, or the env vars), or pass --platform.',
          };
        }
        const what = runId
          ? `joins run ${runId} (GRIDFLEET_RUN_ID)`
          : `${project.lanes.length} lane(s): ${project.lanes.map((l) => `${l.pack_id ? `${l.pack_id}/` : ''}${l.platform_id}${l.os_version ? ` ${l.os_version}` : ''}`).join(', ')}`;
        return { status: 'ok', summary: `${what}; from ${project.source}` };
      },
    },
    {
      id: 'cucumber',
      title: '@cucumber/cucumber installed',
      dependsOn: [],
      async run() {
        const found = findCucumber(cwd);
        if (found.version === undefined) {
          return {
            status: 'fail',
            summary: `@cucumber/cucumber is not installed in ${cwd}`,
            fix: `npm install --save-dev "@cucumber/cucumber@${SUPPORTED_CUCUMBER.text}"`,
          };
        }
        if (!found.supported) {
          return {
            status: 'fail',
            summary: `@cucumber/cucumber ${found.version} is installed (${found.packageJson}); gridfleet-cucumber supports ${SUPPORTED_CUCUMBER.text}`,
            fix: `npm install --save-dev "@cucumber/cucumber@${SUPPORTED_CUCUMBER.text}"`,
          };
        }
        return {
          status: 'ok',
          summary: `@cucumber/cucumber ${found.version} (supported: ${SUPPORTED_CUCUMBER.text})`,
        };
      },
    },
    {
      id: 'manager',
      title: `manager answers at ${redact(apiUrl)}`,
      dependsOn: [],
      async run() {
        const url = `${apiUrl}/health`;
        let response: Response;
        try {
          response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause;
          return {
            status: 'fail',
            summary: `no answer from ${redact(url)} (${cause?.code ?? errorText(error)})`,
            fix: `Start the manager, or set ${ENV_VARS.apiUrl} (or worldParameters.gridfleet.apiUrl) to its API base including /api, e.g. http://manager:8000/api`,
            retryable: true,
          };
        }
        await response.arrayBuffer().catch(() => undefined);
        if (response.status === 404) {
          return {
            status: 'fail',
            summary: `${redact(url)} answered 404: this is not the GridFleet manager's API base`,
            fix: `${ENV_VARS.apiUrl} must be the manager's API base including /api, e.g. http://manager:8000/api`,
          };
        }
        if (!response.ok) {
          return {
            status: 'fail',
            summary: `${redact(url)} answered ${response.status}`,
            fix: 'The manager is up but unhealthy; check its logs and database.',
            retryable: true,
          };
        }
        return { status: 'ok', summary: `${redact(url)} answered ${response.status}` };
      },
    },
    {
      id: 'credentials',
      title: 'manager accepts the credentials',
      dependsOn: ['manager'],
      async run() {
        const credentials = readGridFleetEnv(env).credentials;
        try {
          catalog = await client.getDriverPackCatalog();
        } catch (error) {
          if (error instanceof GridFleetApiError && error.status === 401) {
            return credentials
              ? {
                  status: 'fail',
                  summary: `the manager rejected the credentials in ${ENV_VARS.username} / ${ENV_VARS.password} (401)`,
                  fix: `Set ${ENV_VARS.username} and ${ENV_VARS.password} to the manager's machine credentials (GRIDFLEET_MACHINE_AUTH_USERNAME / _PASSWORD on the manager).`,
                }
              : {
                  status: 'fail',
                  summary: `the manager requires authentication (401) and ${ENV_VARS.username} / ${ENV_VARS.password} are not both set`,
                  fix: `Export ${ENV_VARS.username} and ${ENV_VARS.password} with the manager's machine credentials (as CI secrets).`,
                };
          }
          return {
            status: 'fail',
            summary: `GET /driver-packs/catalog failed: ${errorText(error)}`,
            fix: 'Check the manager logs; the manager answered /health but not its API.',
            retryable:
              error instanceof GridFleetTransportError ||
              (error instanceof GridFleetApiError && error.status >= 500),
          };
        }
        return {
          status: 'ok',
          summary: credentials
            ? `authenticated as ${credentials.username}`
            : 'no credentials needed (the manager has authentication off)',
        };
      },
    },
    {
      id: 'catalog',
      title: runId ? `run ${runId} is open` : 'catalog has the requested platforms',
      dependsOn: ['config', 'credentials'],
      async run() {
        if (runId) {
          let run: Awaited<ReturnType<GridFleetClient['getRun']>>;
          try {
            run = await client.getRun(runId);
          } catch (error) {
            return {
              status: 'fail',
              summary: `run ${runId} could not be read: ${errorText(error)}`,
              fix: 'GRIDFLEET_RUN_ID must be the id printed by `gridfleet-cucumber run create`; unset it to reserve a new run.',
            };
          }
          if (TERMINAL.includes(run.state)) {
            return {
              status: 'fail',
              summary: `run ${runId} ("${run.name}") is already ${run.state}${run.error ? ` (${run.error})` : ''}`,
              fix: 'Create a new run (`gridfleet-cucumber run create`) or unset GRIDFLEET_RUN_ID.',
            };
          }
          platformIds = [...new Set(run.requirements.map((r) => r.platform_id))];
          return {
            status: 'ok',
            summary: `run "${run.name}" is ${run.state}; platforms ${platformIds.join(', ')}`,
          };
        }
        if (project.lanes.length === 0) {
          return {
            status: 'fail',
            summary: 'no platforms requested',
            fix: 'Configure requirements (worldParameters.gridfleet.requirements, GRIDFLEET_REQUIREMENTS or GRIDFLEET_TESTKIT_PLATFORM_ID) or pass --platform ID.',
          };
        }
        const problems: string[] = [];
        const found: string[] = [];
        for (const lane of project.lanes) {
          try {
            const resolved = resolvePackPlatform({
              packId: lane.pack_id,
              platformId: lane.platform_id,
              catalog: catalog ?? [],
              env: {},
            });
            found.push(`${resolved.packId}/${resolved.platformId}`);
          } catch (error) {
            problems.push(errorText(error));
          }
        }
        if (problems.length > 0) {
          return {
            status: 'fail',
            summary: problems.join('\n'),
            fix: "Use platform ids the manager's catalog has (the message lists them), or enable the driver pack on the manager.",
          };
        }
        return { status: 'ok', summary: `enabled in the catalog: ${found.join(', ')}` };
      },
    },
    ...generationAndGridChecks({ client, gridUrl, platformIds: () => platformIds }),
  ];
}
