/**
 * The roles an account can have. `admin`: settings, users, export, everything; `reviewer`: the
 * review queue, every label of an item, resolves disputes, and labels; `annotator`: labels, skips,
 * undoes only their own labels, sees only their own history; `viewer`: the dashboard, read-only.
 * What each may do per route is the table in policy.ts.
 */
import { BadOptionError, didYouMean } from "../errors.js";
import type { Role } from "../store/types.js";

export type { Role };

/** Every role, most powerful first. */
export const ROLES: readonly Role[] = ["admin", "reviewer", "annotator", "viewer"];

/** Whether `s` names a role. */
export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

/**
 * The role `s` names.
 * @throws BadOptionError naming the known roles (and the one probably meant)
 */
export function parseRole(s: string, option = "role"): Role {
  if (isRole(s)) return s;
  throw new BadOptionError([roleProblem(s, option)], option);
}

/** The problem with a role that is not one, for lists of problems. */
export function roleProblem(s: string, option = "role"): string {
  return `option --${option}: unknown role "${s}"${didYouMean(s, ROLES)}; the roles are ${ROLES.join(", ")}`;
}
