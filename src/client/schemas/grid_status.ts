import { z } from 'zod';

/** The session running in a Selenium Grid slot. */
const gridSlotSessionSchema = z
  .object({ sessionId: z.string(), capabilities: z.record(z.string(), z.unknown()).optional() })
  .loose();

/** One slot of a Selenium Grid node: its stereotype and running session are read. */
const gridSlotSchema = z
  .object({
    stereotype: z.record(z.string(), z.unknown()).optional(),
    session: gridSlotSessionSchema.nullish(),
  })
  .loose();

/** One Selenium Grid node (`value.nodes[]`). */
const gridNodeSchema = z
  .object({ availability: z.string().optional(), slots: z.array(gridSlotSchema).optional() })
  .loose();

/**
 * `GET {GRID_URL}/status` of either WebDriver front end: a Selenium Grid hub (`value.nodes`, claim and
 * transition eras) or the GridFleet router (`{"value":{"message":"GridFleet router","ready":true}}`,
 * docs/manager-api.md §R4.1). The one parser of that body in the project.
 */
export const webDriverStatusSchema = z
  .object({
    value: z
      .object({
        ready: z.boolean(),
        message: z.string().optional(),
        nodes: z.array(gridNodeSchema).optional(),
      })
      .loose(),
  })
  .loose();

/** The constant `value.message` of the GridFleet router's `/status`. */
export const ROUTER_STATUS_MESSAGE = 'GridFleet router';

/** The constant `message` of a router-era manager's `GET /api/grid/status` (docs/manager-api.md §R1.2, probe A). */
export const CONTROL_PLANE_MESSAGE = 'gridfleet control plane';

/**
 * `GET {api}/grid/status` of any generation (probe A): claim/transition era carry `grid` (the hub's status
 * or `{ready:false, error:"grid_unreachable"}`); the router era has no `grid` key and the constant
 * `message` {@link CONTROL_PLANE_MESSAGE}. Only the fields the detection reads are typed.
 */
export const managerGridStatusSchema = z
  .object({
    grid: z.unknown().optional(),
    ready: z.boolean().optional(),
    message: z.string().optional(),
    active_sessions: z.number().int().optional(),
    queue_size: z.number().int().optional(),
  })
  .loose();
