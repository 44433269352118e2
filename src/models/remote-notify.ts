/**
 * Telling a model backend about new labels (`POST /webhook` with Label Studio's annotation events,
 * `{"action": "ANNOTATION_CREATED", "annotation", "task", "project"}`), so it can retrain.
 *
 * Design: a bounded in-memory FIFO with one sender, not the project's webhook outbox
 * (src/webhooks). That outbox is rows in the project database with one activelearn envelope per
 * event (`{id, event, data}`) fanned out to registered receivers; a backend needs another body
 * (Label Studio's), in order, and the store is not this module's to extend. What is reused is the
 * sending (webhooks/post.ts: node:http, a total timeout, never rejects), the backoff with jitter
 * (webhooks/delivery.ts) and the signature headers (when a secret is given). Nothing is lost that
 * matters: the labels themselves are committed in the store before they are notified, so a
 * restart or an overflow loses only notifications (counted in `dropped`; the next retrain sends
 * the backend a START_TRAINING anyway).
 *
 * - `annotationCreated()` / `send()` only queue: they never wait and never throw, so labeling
 *   never waits on the backend.
 * - One request at a time, oldest first, so the backend receives events in order. A 2xx delivers;
 *   a timeout, a refused connection, 408, 429 or a 5xx keeps the event at the head and retries it
 *   after base * 2^(n-1) ms (capped, jittered) until it goes through: the backend's outage delays
 *   notifications, it does not drop them. Any other 4xx is the backend refusing that event: it is
 *   counted as refused and the next one goes (one bad event must not block the rest).
 * - At most `capacity` events wait (default 10,000); beyond, the oldest waiting one is dropped.
 *
 * @example
 * const notify = new BackendNotifier({ url: "http://127.0.0.1:9090", labelConfig: model.labelConfig });
 * notify.annotationCreated({ annotationId: 7, taskId: 3, data: { text: "win cash" }, label: "spam", annotator: "ana", createdAt: iso });
 * notify.status(); // { pending: 1, delivered: 0, down: false, ... }
 */
import { randomUUID } from "node:crypto";
import { Rng } from "../linalg/rng.js";
import { backoffMs } from "../webhooks/delivery.js";
import { postJson, type Poster, type PostResult } from "../webhooks/post.js";
import { EVENT_HEADER, ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from "../webhooks/signature.js";
import { backendBase, formatWait } from "./remote.js";

export interface NotifierOptions {
  /** The backend's base URL; events go to `<url>/webhook`. */
  readonly url: string;
  /** Sent as `project.id` (default "activelearn"). */
  readonly project?: string;
  /** Sent as `project.label_config`. */
  readonly labelConfig?: string;
  /** `from_name` and `to_name` of the annotation's result (default "label" and "text"). */
  readonly fromName?: string;
  readonly toName?: string;
  /** Per attempt (default 10,000 ms). */
  readonly timeoutMs?: number;
  /** Events waiting at most (default 10,000). */
  readonly capacity?: number;
  /** First retry's delay before jitter (default 1,000 ms), doubling per failed attempt. */
  readonly baseDelayMs?: number;
  /** Longest delay before jitter (default 60,000 ms). */
  readonly maxDelayMs?: number;
  /** When given, each request is signed as activelearn's webhooks are (webhooks/signature.ts). */
  readonly secret?: string;
  /** Sends one request (default webhooks/post.ts). */
  readonly post?: Poster;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

/** A stored label, as the notifier needs it. */
export interface AnnotationNotice {
  readonly annotationId: number | string;
  /** The task id the backend knows the item by (the one sent to /predict). */
  readonly taskId: number | string;
  /** The item's raw fields. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly label: string;
  readonly annotator: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly durationMs?: number | null;
}

/** What the dashboard shows about the notifications. */
export interface NotifierStatus {
  readonly url: string;
  /** Events waiting (the one being sent included). */
  readonly pending: number;
  readonly delivered: number;
  /** Events the backend refused with a 4xx (not retried). */
  readonly refused: number;
  /** Events dropped because the queue was full. */
  readonly dropped: number;
  /** Failed attempts in a row at the head of the queue; > 0 means the backend is not taking events. */
  readonly failures: number;
  readonly down: boolean;
  readonly lastError: string | null;
  readonly lastDeliveredAt: number | null;
  /** When the head is tried again (ms since the epoch), null when not waiting. */
  readonly nextAttemptAt: number | null;
}

interface Queued {
  readonly id: string;
  readonly action: string;
  readonly body: string;
}

/** Statuses after which the same event is worth sending again. */
const retryable = (status: number): boolean => status >= 500 || status === 408 || status === 429;

export class BackendNotifier {
  private readonly target: string;
  private readonly url: string;
  private readonly project: string;
  private readonly labelConfig: string | undefined;
  private readonly fromName: string;
  private readonly toName: string;
  private readonly timeoutMs: number;
  private readonly capacity: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly secret: string | undefined;
  private readonly post: Poster;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  private readonly queue: Queued[] = [];
  private sending: Queued | null = null;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private delivered = 0;
  private refused = 0;
  private dropped = 0;
  private failures = 0;
  private lastError: string | null = null;
  private lastDeliveredAt: number | null = null;
  private nextAttemptAt: number | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(o: NotifierOptions) {
    const base = backendBase(o.url);
    this.url = base.toString().replace(/\/$/, "");
    this.target = new URL("webhook", base).toString();
    this.project = o.project ?? "activelearn";
    this.labelConfig = o.labelConfig;
    this.fromName = o.fromName ?? "label";
    this.toName = o.toName ?? "text";
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.capacity = Math.max(1, o.capacity ?? 10_000);
    this.baseDelayMs = o.baseDelayMs ?? 1_000;
    this.maxDelayMs = o.maxDelayMs ?? 60_000;
    this.secret = o.secret;
    this.post = o.post ?? postJson;
    const rng = new Rng(o.seed ?? 0);
    this.random = () => rng.next();
    this.log = o.log ?? (() => undefined);
  }

  /** Queues an ANNOTATION_CREATED event for a stored label; returns at once. */
  annotationCreated(a: AnnotationNotice): void {
    this.send("ANNOTATION_CREATED", {
      annotation: {
        id: a.annotationId,
        result: [{ type: "choices", value: { choices: [a.label] }, from_name: this.fromName, to_name: this.toName }],
        completed_by: a.annotator,
        created_at: a.createdAt,
        ...(a.durationMs !== undefined && a.durationMs !== null ? { lead_time: a.durationMs / 1000 } : {}),
      },
      task: { id: a.taskId, data: a.data },
    });
  }

  /** Queues a START_TRAINING event (after a retrain, or when asked). */
  startTraining(): void {
    this.send("START_TRAINING", {});
  }

  /** Queues any event (`project` is added); returns at once, never throws. */
  send(action: string, payload: Readonly<Record<string, unknown>>): void {
    if (this.closed) return;
    const id = `evt_${randomUUID()}`;
    let body: string;
    try {
      body = JSON.stringify({ action, ...payload, project: { id: this.project, ...(this.labelConfig !== undefined ? { label_config: this.labelConfig } : {}) } });
    } catch (e) {
      this.log(`model backend: cannot encode a ${action} event: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.queue.push({ id, action, body });
    if (this.queue.length > this.capacity) {
      // Drop the oldest event not being sent.
      const at = this.sending !== null && this.queue[0] === this.sending ? 1 : 0;
      this.queue.splice(at, 1);
      this.dropped++;
    }
    this.kick();
  }

  /** Tries the head of the queue now instead of after its backoff (the backend was seen up). */
  retryNow(): void {
    if (this.wake !== null) this.wake();
    else this.kick();
  }

  /** Starts the sender unless it runs; it stops when the queue is empty. */
  private kick(): void {
    if (this.running !== null || this.closed || this.queue.length === 0) return;
    this.running = this.pump().finally(() => {
      this.running = null;
      this.kick();
    });
  }

  status(): NotifierStatus {
    return {
      url: this.url,
      pending: this.queue.length,
      delivered: this.delivered,
      refused: this.refused,
      dropped: this.dropped,
      failures: this.failures,
      down: this.failures > 0,
      lastError: this.lastError,
      lastDeliveredAt: this.lastDeliveredAt,
      nextAttemptAt: this.nextAttemptAt,
    };
  }

  /** Resolves once the queue is empty (at once if it is). */
  idle(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops sending; waits up to `waitMs` (default 1,000) for the request in flight. Events still
   * queued are dropped (and reported in the log): their labels are in the store.
   */
  async close(waitMs = 1_000): Promise<void> {
    this.closed = true;
    if (this.wake !== null) this.wake();
    const running = this.running;
    if (running !== null) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    }
    if (this.queue.length > 0) this.log(`model backend: ${this.queue.length} notification(s) to ${this.target} not sent at shutdown`);
  }

  private async pump(): Promise<void> {
    while (!this.closed && this.queue.length > 0) {
      const head = this.queue[0];
      this.sending = head;
      const r = await this.attempt(head);
      this.sending = null;
      const stillHead = this.queue[0] === head;
      if (r.status !== null && r.status >= 200 && r.status < 300) {
        if (stillHead) this.queue.shift();
        this.delivered++;
        this.failures = 0;
        this.lastDeliveredAt = Date.now();
        this.nextAttemptAt = null;
      } else if (r.status !== null && !retryable(r.status)) {
        if (stillHead) this.queue.shift();
        this.refused++;
        this.failures = 0;
        this.lastError = `the model backend at ${this.url} refused a ${head.action} event with HTTP ${r.status}`;
        this.log(`model backend: ${this.lastError}`);
      } else {
        this.failures++;
        this.lastError =
          r.status !== null
            ? `the model backend at ${this.url} answered HTTP ${r.status} to POST /webhook`
            : r.error !== null && r.error.startsWith("timed out")
              ? `the model backend at ${this.url} did not answer within ${formatWait(this.timeoutMs)} (POST /webhook)`
              : `the model backend at ${this.url} cannot be reached (${r.error ?? "no response"}; POST /webhook)`;
        const delay = backoffMs(this.failures, this.baseDelayMs, this.maxDelayMs, this.random());
        this.nextAttemptAt = Date.now() + delay;
        if (this.failures === 1) this.log(`model backend: ${this.lastError}; notifications wait and are retried`);
        await this.sleep(delay);
        this.nextAttemptAt = null;
      }
    }
    if (this.queue.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async attempt(q: Queued): Promise<PostResult> {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { [EVENT_HEADER]: q.action, [ID_HEADER]: q.id };
    if (this.secret !== undefined) {
      headers[SIGNATURE_HEADER] = sign(this.secret, timestamp, q.body);
      headers[TIMESTAMP_HEADER] = String(timestamp);
    }
    try {
      return await this.post(this.target, q.body, headers, this.timeoutMs);
    } catch (e) {
      return { status: null, error: e instanceof Error ? e.message : String(e) };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        if (this.sleepTimer !== null) clearTimeout(this.sleepTimer);
        this.sleepTimer = null;
        this.wake = null;
        resolve();
      };
      this.wake = done;
      this.sleepTimer = setTimeout(done, ms);
      this.sleepTimer.unref();
    });
  }
}
