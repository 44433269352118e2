/**
 * The pages' part of the web login: who is logged in, and the "Log out" button, shown when the
 * page runs on a session cookie (a project without accounts has no login, so no button).
 *
 * @example
 * const me = await showSession(api); // null when /api/me could not be asked
 */
import { ApiError, type Api, type Caller } from "./api.js";
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

/** The key under which a page without accounts remembers the name typed in (shared by the labeling and review pages). */
export const NAME_KEY = "activelearn.annotator";

/** An error as one line for the page: the server's message with its code and status, else the error's message. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.status > 0 ? `${e.message} (${e.code}, HTTP ${e.status})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Shows the page's name form (a project without accounts) and resolves with the name typed in,
 * remembered under NAME_KEY; an empty name is refused in place.
 */
export function askName(form: HTMLFormElement, input: HTMLInputElement): Promise<string> {
  form.hidden = false;
  input.value = localStorage.getItem(NAME_KEY) ?? "";
  input.focus();
  return new Promise((resolve) => {
    const onSubmit = (e: SubmitEvent): void => {
      e.preventDefault();
      const name = input.value.trim();
      if (name === "") {
        input.setCustomValidity("Please enter your name.");
        input.reportValidity();
        return;
      }
      form.removeEventListener("submit", onSubmit);
      localStorage.setItem(NAME_KEY, name);
      form.hidden = true;
      resolve(name);
    };
    input.addEventListener("input", () => input.setCustomValidity(""));
    form.addEventListener("submit", onSubmit);
  });
}
