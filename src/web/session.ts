/**
 * The pages' part of the web login: who is logged in, and the "Log out" button, shown when the
 * page runs on a session cookie (a project without accounts has no login, so no button).
 *
 * @example
 * const me = await showSession(api); // null when /api/me could not be asked
 */
import { type Api, type Caller } from "./api.js";
import { toast } from "./toast.js";

/** Asks the server who is calling and wires the page's #logout button (and #who-name, if any, on the dashboard). */
export async function showSession(api: Api, whoName?: HTMLElement, who?: HTMLElement): Promise<Caller | null> {
  let me: Caller;
  try {
    me = await api.me();
  } catch {
    return null; // a 401 already sent the browser to the login page; other failures show on the page's own calls
  }
  const logout = document.getElementById("logout");
  if (me.via === "session" && logout instanceof HTMLButtonElement) {
    logout.hidden = false;
    logout.addEventListener("click", () => {
      logout.disabled = true;
      api.logout().then(
        () => location.assign("/login"),
        (e: unknown) => {
          logout.disabled = false;
          toast(`Could not log out: ${e instanceof Error ? e.message : String(e)}`, "error");
        },
      );
    });
  }
  if (me.name !== null && whoName !== undefined && who !== undefined) {
    whoName.textContent = me.name;
    who.hidden = false;
  }
  return me;
}
