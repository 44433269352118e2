/**
 * Managing accounts over a {@link Store}: add (with a login token shown once), list, remove,
 * reset the token, set a password. Names follow the person-name rules (src/person-name.ts); a
 * token is `<user id>.<secret>` and only the scrypt hash of the secret is stored (hash.ts).
 *
 * @example
 * const { user, token } = await addUser(store, "ana", "annotator");
 * console.log(token); // shown once; `users DIR reset ana` makes a new one
 */
import { BadOptionError, ConflictError, didYouMean, NotFoundError } from "../errors.js";
import { personName } from "../person-name.js";
import type { Role, Store, StoredUser } from "../store/types.js";
import { hashSecret } from "./hash.js";
import { parseRole } from "./roles.js";
import { formatToken, newSecret } from "./token.js";

/** An account as callers see it: no secrets. */
export interface User {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly disabled: boolean;
  /** Whether a password is set (login by name and password as well as by token). */
  readonly hasPassword: boolean;
}

/** Shortest and longest accepted password, in characters. */
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 1024;

/** The account without its secrets. */
export function publicUser(u: StoredUser): User {
  return { id: u.id, name: u.name, role: u.role, createdAt: u.createdAt, disabled: u.disabled, hasPassword: u.passwordHash !== null };
}

/**
 * The normalised account name.
 * @throws BadOptionError saying what is wrong with it
 */
export function userName(raw: string): string {
  const r = personName(raw);
  if ("problem" in r) throw new BadOptionError([`user name ${JSON.stringify(raw)} ${r.problem}`]);
  return r.name;
}

/** A fresh token for `userId` and the hash to store (of its secret part). */
async function tokenAndHash(userId: number): Promise<{ token: string; hash: string }> {
  const secret = newSecret();
  return { token: formatToken(userId, secret), hash: await hashSecret(secret) };
}

/**
 * The stored account named `name`.
 * @throws NotFoundError naming the known users (and the one probably meant)
 */
export function findUser(store: Store, name: string): StoredUser {
  const n = userName(name);
  const u = store.userByName(n);
  if (u !== undefined) return u;
  const names = store.users().map((x) => x.name);
  throw new NotFoundError(`no user named "${n}"${didYouMean(n, names)}; ${names.length === 0 ? "the project has no users yet (add one: activelearn users DIR add NAME --role ROLE)" : `the users are ${names.map((x) => `"${x}"`).join(", ")}`}`);
}

/**
 * Creates an account and its login token (returned once; only its hash is stored).
 * @throws BadOptionError for a bad name or role, ConflictError when the name is taken
 */
export async function addUser(store: Store, name: string, role: string, now = Date.now()): Promise<{ user: User; token: string }> {
  const n = userName(name);
  const r = parseRole(role);
  if (store.userByName(n) !== undefined) throw new ConflictError(`a user named "${n}" already exists (a new token for them: activelearn users DIR reset "${n}")`);
  // The id is known only after the insert and the token carries it, but only the secret part
  // is hashed: hash a secret first, then insert, so a crash never leaves an account without one.
  const secret = newSecret();
  const id = store.addUser({ name: n, role: r, createdAt: now, tokenHash: await hashSecret(secret), passwordHash: null, disabled: false });
  const user = store.user(id);
  if (user === undefined) throw new NotFoundError(`user "${n}" vanished while being created`);
  return { user: publicUser(user), token: formatToken(id, secret) };
}

/** Every account, oldest first, without secrets. */
export function listUsers(store: Store): User[] {
  return store.users().map(publicUser);
}

/** Whether the project has any account (then every request needs a token or session). */
export function hasAccounts(store: Store): boolean {
  return store.users().length > 0;
}

/** Whether the project has an enabled admin (needed to serve beyond loopback). */
export function hasAdmin(store: Store): boolean {
  return store.users().some((u) => u.role === "admin" && !u.disabled);
}

/**
 * Removes an account and its sessions (their labels stay, under their name).
 * @throws NotFoundError for an unknown name; ConflictError for the last admin while other accounts exist
 */
export function removeUser(store: Store, name: string): User {
  return store.transaction(() => {
    const u = findUser(store, name);
    const others = store.users().filter((x) => x.id !== u.id);
    if (u.role === "admin" && others.length > 0 && !others.some((x) => x.role === "admin" && !x.disabled)) {
      throw new ConflictError(`"${u.name}" is the project's only admin and other accounts remain: make another admin first (activelearn users DIR add NAME --role admin)`);
    }
    store.removeUser(u.id);
    return publicUser(u);
  });
}

/**
 * Gives an account a new login token; the old one stops working and its sessions end.
 * @throws NotFoundError for an unknown name
 */
export async function resetToken(store: Store, name: string): Promise<{ user: User; token: string }> {
  const u = findUser(store, name);
  const { token, hash } = await tokenAndHash(u.id);
  store.transaction(() => {
    store.updateUser(u.id, { tokenHash: hash });
    store.deleteSessionsOf(u.id);
  });
  return { user: publicUser({ ...u, tokenHash: hash }), token };
}

/**
 * Sets (or with null, clears) an account's password; its sessions end.
 * @throws BadOptionError for a password shorter than {@link MIN_PASSWORD} or longer than {@link MAX_PASSWORD}
 */
export async function setPassword(store: Store, name: string, password: string | null): Promise<User> {
  const u = findUser(store, name);
  if (password !== null && ([...password].length < MIN_PASSWORD || [...password].length > MAX_PASSWORD)) {
    throw new BadOptionError([`a password must have ${MIN_PASSWORD} to ${MAX_PASSWORD} characters, got ${[...password].length}`]);
  }
  const hash = password === null ? null : await hashSecret(password);
  store.transaction(() => {
    store.updateUser(u.id, { passwordHash: hash });
    store.deleteSessionsOf(u.id);
  });
  return publicUser({ ...u, passwordHash: hash });
}

/** Disables or enables an account (a disabled one cannot log in; its sessions end). */
export function setDisabled(store: Store, name: string, disabled: boolean): User {
  const u = findUser(store, name);
  store.transaction(() => {
    store.updateUser(u.id, { disabled });
    if (disabled) store.deleteSessionsOf(u.id);
  });
  return publicUser({ ...u, disabled });
}
