import assert from "node:assert/strict";
import test from "node:test";
import { LoginRateLimiter } from "./rate-limit.js";

/** A limiter on a clock the test steps. */
function limiter(o: { perName?: number; perAddress?: number; windowMs?: number; maxKeys?: number } = {}): { l: LoginRateLimiter; clock: { t: number } } {
  const clock = { t: 1_000_000 };
  return { l: new LoginRateLimiter({ perName: 3, perAddress: 5, windowMs: 60_000, ...o, now: () => clock.t }), clock };
}

void test("per name: the fourth failure in the window is refused until the oldest one leaves it (sliding)", () => {
  const { l, clock } = limiter();
  for (const dt of [0, 10_000, 20_000]) {
    clock.t = 1_000_000 + dt;
    assert.deepEqual(l.check("ana", "a1"), { allowed: true });
    l.fail("ana", `addr-${dt}`);
  }
  clock.t = 1_030_000;
  assert.deepEqual(l.check("ana", "a9"), { allowed: false, retryAfterMs: 30_000, reason: "name" });
  assert.deepEqual(l.check("bo", "a9"), { allowed: true }, "other names are not held up");
  clock.t = 1_060_000;
  assert.deepEqual(l.check("ana", "a9"), { allowed: true }, "the first failure has left the window");
  l.fail("ana", "a9");
  assert.deepEqual(l.check("ana", "a9"), { allowed: false, retryAfterMs: 10_000, reason: "name" });
});

void test("per address: many made-up names from one address are refused after the address limit", () => {
  const { l, clock } = limiter();
  for (let i = 0; i < 5; i++) {
    assert.equal(l.check(`name-${i}`, "10.0.0.9").allowed, true);
    l.fail(`name-${i}`, "10.0.0.9");
    clock.t += 1000;
  }
  const c = l.check("name-new", "10.0.0.9");
  assert.equal(c.allowed, false);
  assert.equal(c.allowed === false && c.reason, "address");
  assert.equal(c.allowed === false && c.retryAfterMs, 55_000);
  assert.equal(l.check("name-new", "10.0.0.10").allowed, true, "other addresses are not held up");
});

void test("a success clears the name's failures but not the address's", () => {
  const { l } = limiter({ perAddress: 4 });
  for (let i = 0; i < 3; i++) l.fail("ana", "a1");
  assert.equal(l.check("ana", "a2").allowed, false);
  l.succeed("ana");
  assert.equal(l.check("ana", "a2").allowed, true);
  l.fail("bo", "a1");
  assert.equal(l.check("cy", "a1").allowed, false, "a1 has 4 failures");
});

void test("memory stays bounded by maxKeys, dropping the least recently failed", () => {
  const { l, clock } = limiter({ maxKeys: 100, perAddress: 1_000_000 });
  for (let i = 0; i < 2500; i++) {
    l.fail(`made-up-${i}`, "10.0.0.9");
    clock.t += 1;
  }
  assert.ok(l.tracked <= 100, `tracked ${l.tracked}`);
  for (let i = 0; i < 3; i++) l.fail("ana", "a1");
  assert.equal(l.check("ana", "a1").allowed, false, "a recent name is still tracked");
  assert.throws(() => new LoginRateLimiter({ perName: 0, now: () => 0 }), /perName must be a whole number >= 1, got 0/);
});
