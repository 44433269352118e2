/**
 * The login page (/login): name and password, or a token link (`/login#token=T`, or `?token=T`;
 * the server sends the old `/?token=T` links here too). A token is taken out of the address bar
 * before anything else (so it is neither bookmarked nor kept in the history) and traded at once
 * for the session cookie. After logging in the browser goes to `?next=` (the server has already
 * replaced a `next` that is not a path on this server with "/").
 *
 * Keyboard: the name field has focus; Tab to the password, Enter logs in. An error is announced
 * (role="alert") and the focus goes back to the field to fix.
 */
import { Api, ApiError } from "./api.js";
import { byId } from "./dom.js";

const api = new Api();
const CONTINUED_KEY = "activelearn.login-continued";

const ui = {
  form: byId("login-form", HTMLFormElement),
  name: byId("login-name", HTMLInputElement),
  password: byId("login-password", HTMLInputElement),
  submit: byId("login-submit", HTMLButtonElement),
  error: byId("login-error", HTMLElement),
  signedIn: byId("signed-in", HTMLElement),
  openMode: byId("open-mode", HTMLElement),
};

/** Where to go after logging in: a path on this server (checked again here: never another site). */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get("next") ?? "/";
  return /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : "/";
}

/** The token of a token link, removed from the address bar (fragment or query). */
function takeToken(): string | null {
  const url = new URL(location.href);
  const fromHash = new URLSearchParams(url.hash.replace(/^#/, "")).get("token");
  const fromQuery = url.searchParams.get("token");
  if (fromHash === null && fromQuery === null) return null;
  url.searchParams.delete("token");
  history.replaceState(null, "", url.pathname + url.search);
  const token = (fromHash ?? fromQuery ?? "").trim();
  return token === "" ? null : token;
}

function showError(message: string, focus: HTMLInputElement): void {
  ui.error.textContent = message;
  ui.error.hidden = false;
  focus.focus();
  focus.select();
}

function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return e.message.startsWith("wrong") ? "Wrong name or password." : "This login link is not valid any more (the token was reset, or the account removed or disabled). Ask your admin for a new one, or log in with your name and password.";
    if (e.status === 429) return `Too many failed attempts: ${e.message.replace(/^too many failed logins /, "")}.`;
    return e.status > 0 ? `${e.message} (HTTP ${e.status})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

async function logIn(body: { name: string; password: string } | { token: string }): Promise<boolean> {
  ui.submit.disabled = true;
  ui.error.hidden = true;
  try {
    await api.login(body);
    location.replace(nextPath());
    return true;
  } catch (e) {
    showError(messageOf(e), "token" in body ? ui.name : ui.password);
    return false;
  } finally {
    ui.submit.disabled = false;
  }
}

ui.form.addEventListener("submit", (e) => {
  e.preventDefault();
  const name = ui.name.value.trim();
  if (name === "") return showError("Please enter your name.", ui.name);
  if (ui.password.value === "") return showError("Please enter your password.", ui.password);
  void logIn({ name, password: ui.password.value });
});

async function start(): Promise<void> {
  const token = takeToken();
  ui.name.focus();
  if (token !== null && (await logIn({ token }))) return;
  try {
    const me = await api.me();
    if (me.via === "open") {
      ui.form.hidden = true;
      ui.openMode.hidden = false;
      ui.openMode.querySelector("a")?.focus();
      return;
    }
    // Sent here by a link from another site: the SameSite=Strict cookie was not sent with that
    // navigation, but this same-site call has it. Go on (once: a guard against a loop).
    const last = Number(sessionStorage.getItem(CONTINUED_KEY) ?? "0");
    if (me.via === "session" && new URLSearchParams(location.search).has("next") && Date.now() - last > 10_000) {
      sessionStorage.setItem(CONTINUED_KEY, String(Date.now()));
      location.replace(nextPath());
      return;
    }
    if (me.name !== null) {
      ui.signedIn.textContent = `You are logged in as ${me.name} (${me.role ?? ""}). Log in below to switch accounts, or go back to the page you came from.`;
      ui.signedIn.hidden = false;
    }
  } catch {
    // 401: not logged in, which is why this page is open.
  }
}

void start();
