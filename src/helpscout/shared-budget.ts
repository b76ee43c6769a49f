import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ConfigError } from '../core/errors.ts';
import type { Limiter, RateLimiterStats } from './rate-limiter.ts';

/** A write: the heaviest request must always fit a window. */
const HEAVIEST_REQUEST_UNITS = 2;

/**
 * rate-limiter-flexible's own script, except that units which do not fit are not added: a
 * refused consume must not raise the count every other process sees (the library's default
 * adds first and refuses after, so two processes racing for the last units would both lose).
 * Called by the library with KEYS[1] = key, ARGV = points, secDuration, limit, duration.
 */
const CONSUME_IF_FITS = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = tonumber(redis.call('get', KEYS[1])) + tonumber(ARGV[1])
if consumed <= tonumber(ARGV[3]) then redis.call('incrby', KEYS[1], ARGV[1]) end
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('expire', KEYS[1], ARGV[2])
  ttl = 1000 * ARGV[2]
end
return {consumed, ttl}`;

/**
 * A response's headers (ARGV[1]: what the server says was spent this window). Others' spending so
 * far (that, less what we sent: KEYS[3]) as units per window is kept in KEYS[2] when it is the most
 * seen this window (ARGV[3]: ms of the window gone, ARGV[4]: the window; not in its first tenth,
 * too few requests to tell a rate). When the server counts more than the counter holds (another
 * integration spent it), the counter KEYS[1] is raised (never lowered).
 */
const RAISE_TO = `local wanted = tonumber(ARGV[1])
local elapsed = tonumber(ARGV[3])
if elapsed * 10 >= tonumber(ARGV[4]) then
  local others = wanted - tonumber(redis.call('get', KEYS[3]) or '0')
  local rate = math.floor(others * tonumber(ARGV[4]) / elapsed)
  if rate > tonumber(redis.call('get', KEYS[2]) or '0') then redis.call('set', KEYS[2], rate, 'PX', ARGV[2]) end
end
local current = tonumber(redis.call('get', KEYS[1]) or '0')
if wanted <= current then return 0 end
redis.call('set', KEYS[1], wanted, 'PX', ARGV[2])
return wanted - current`;

/** A later pause wins; an earlier one never shortens it. */
const PAUSE_UNTIL = `local current = tonumber(redis.call('get', KEYS[1]) or '0')
if tonumber(ARGV[1]) <= current then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/** Set by the first process back after Redis returned: the window every process shares again from. */
const RESUME_AT = `local current = redis.call('get', KEYS[1])
if current then return tonumber(current) end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return tonumber(ARGV[1])`;

const DAY_MS = 86_400_000;
/** Beyond their expected spending, units kept free for others: one of their requests may land while ours is in flight. */
const OTHERS_MARGIN_UNITS = 3;
/** Windows back in which what others spent is remembered. */
const OTHERS_MEMORY_WINDOWS = 4;
/** ioredis reconnects at most this far apart once Redis is gone (retryStrategy below). */
const RECONNECT_MAX_MS = 500;

export interface SharedBudgetOptions {
  /** redis:// or rediss://, with its password when the environment gave one. */
  readonly url: string;
  readonly key: string;
  /** Units (GET 1, write 2) the account may spend per window, all processes together. */
  readonly units: number;
  readonly windowMs: number;
  readonly onNotice?: (message: string) => void;
  readonly connectTimeoutMs?: number;
}

export interface SharedBudgetSummary {
  readonly key: string;
  /** The Redis URL without its password. */
  readonly redis: string;
  /** The most processes seen drawing on the key at once (this one included). */
  readonly processes: number;
  /** Each one's fair share, units per window: the budget ÷ processes (what each falls back to without Redis). */
  readonly sharePerWindow: number;
  readonly unitsPerWindow: number;
  readonly windowMs: number;
  /** Units each process on the key spent, as of its last heartbeat (this one: exact). */
  readonly spentByProcess: readonly { readonly process: string; readonly unitsSpent: number; readonly self: boolean }[];
  /** Units the headers showed spent by others (another integration) that the shared counter was raised by. */
  readonly correctedUnits: number;
  /** Times Redis was lost mid-run, and windows this process spent on its local share. */
  readonly redisLost: number;
  readonly localWindows: number;
}

/** The URL as it may be printed: never its password. */
export function redactRedisUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}

/** Connects to Redis and registers this process on the key; Redis unreachable → ConfigError (exit 2). */
export async function connectSharedBudget(options: SharedBudgetOptions): Promise<SharedBudgetLimiter> {
  const limiter = new SharedBudgetLimiter(options);
  await limiter.connect();
  return limiter;
}

interface Sleeper {
  readonly timer: NodeJS.Timeout;
  readonly reject: (error: Error) => void;
}

/**
 * One budget for every process with the same key (DESIGN §10). Windows are the server's fixed
 * windows (aligned to the clock, as Help Scout's gateway counts them); each window has one
 * counter in Redis that every process adds its units to atomically before it sends
 * (rate-limiter-flexible's RateLimiterRedis, writes 2, reads 1). Nothing is sent in the last
 * moments of a window, so a request is counted by the server in the window it was charged to.
 *
 * The headers stay the truth: when a response says less is left than the counter thinks (another
 * integration spent it), the counter is raised for all, and what others spent in the last window
 * is held back, pro rata of the time left, for them. A 429 pauses every process on the key until
 * its Retry-After. Redis lost mid-run: each process spends a local share (budget ÷ processes
 * last seen) from the next window, and shares again from one agreed window once Redis is back.
 */
export class SharedBudgetLimiter implements Limiter {
  readonly stats: RateLimiterStats = { unitsSpent: 0, pauses: 0, pausedMs: 0 };
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly redis: Redis;
  private store: RateLimiterRedis;
  private readonly prefix: string;
  private units: number;
  private readonly windowMs: number;
  /** Nothing is sent this close to a window's end. */
  private readonly guardMs: number;
  private readonly heartbeatMs: number;
  private readonly redacted: string;
  private pausedUntil = 0;
  private mode: 'shared' | 'local' = 'shared';
  private everReady = false;
  /** Local: the first window the local share may be spent in (not the one Redis was lost in). */
  private localFrom = 0;
  /** Local: Redis is back, shared again from this window. */
  private sharedFrom = Number.POSITIVE_INFINITY;
  private localWindow = Number.NEGATIVE_INFINITY;
  private localSpent = 0;
  private processes = 1;
  private maxProcesses = 1;
  private readonly peers = new Map<string, number>();
  private correctedUnits = 0;
  private redisLost = 0;
  private localWindows = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly sleepers = new Set<Sleeper>();
  private stopped: Error | undefined;

  constructor(private readonly options: SharedBudgetOptions) {
    this.units = Math.max(options.units, HEAVIEST_REQUEST_UNITS);
    this.windowMs = options.windowMs;
    this.guardMs = Math.max(50, Math.min(1000, options.windowMs / 10));
    this.heartbeatMs = Math.max(100, Math.min(1000, options.windowMs / 4));
    this.prefix = `hs-import:budget:${options.key}`;
    this.redacted = redactRedisUrl(options.url);
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      // A command while Redis is away fails at once: the local share takes over.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 2_000,
      connectTimeout: options.connectTimeoutMs ?? 3_000,
      // At start, unreachable is a config problem (exit 2); mid-run, keep trying.
      retryStrategy: (times) => (this.everReady && !this.stopped ? Math.min(50 * times, RECONNECT_MAX_MS) : null),
    });
    this.redis.on('error', () => undefined);
    this.redis.on('close', () => {
      if (this.everReady && !this.stopped) this.lose('connection closed');
    });
    this.redis.on('ready', () => {
      if (this.everReady && !this.stopped) void this.recovered();
    });
    this.store = this.makeStore();
  }

  async connect(): Promise<void> {
    try {
      await this.redis.connect();
      this.everReady = true;
      await this.beat();
    } catch (error) {
      this.redis.disconnect();
      throw new ConfigError([
        `target.sharedBudget.redis: cannot reach Redis at ${this.redacted} (${(error as Error).message}); start Redis, or fix target.sharedBudget.redis / HS_IMPORT_REDIS_URL (its password: HS_IMPORT_REDIS_PASSWORD)`,
      ]);
    }
    this.heartbeat = setInterval(() => {
      void this.beat().catch(() => undefined);
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  get paused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  async schedule<T>(units: number, task: () => Promise<T>): Promise<T> {
    for (;;) {
      const w = await this.acquire(units);
      // Taking the units took so long (a slow Redis, a busy event loop) that the request would
      // reach the server in its next window: give them back and take them from that one.
      if (Date.now() < this.endOf(w) - this.guardMs / 2) break;
      await this.giveBack(w, units);
    }
    this.stats.unitsSpent += units;
    return task();
  }

  private async giveBack(w: number, units: number): Promise<void> {
    if (this.mode === 'local') {
      if (w === this.localWindow) this.localSpent -= units;
      return;
    }
    await this.store.reward(`w:${w}`, units).catch(() => undefined);
    await this.redis.decrby(this.key(`ours:${w}`), units).catch(() => 0);
  }

  observe(remaining: number | undefined, limit?: number, sentAt?: number): void {
    if (limit !== undefined && Number.isFinite(limit) && limit > 0) {
      const units = Math.max(HEAVIEST_REQUEST_UNITS, Math.min(this.options.units, limit));
      if (units !== this.units) {
        this.units = units;
        this.store = this.makeStore();
      }
    }
    if (remaining === undefined || !Number.isFinite(remaining) || sentAt === undefined) return;
    const w = this.windowOf(sentAt);
    // Sent in one window, answered in the next: the count may be either window's.
    if (w !== this.windowOf(Date.now())) return;
    // At most `remaining` is left for us: our counter must say at least units − remaining.
    const wanted = this.units - remaining;
    if (this.mode === 'local') {
      if (w === this.localWindow) this.localSpent = Math.max(this.localSpent, this.localShare() - remaining);
      return;
    }
    this.redis
      .eval(RAISE_TO, 3, this.store.getKey(`w:${w}`), this.key(`others:${w}`), this.key(`ours:${w}`), String(wanted), String((OTHERS_MEMORY_WINDOWS + 2) * this.windowMs), String(sentAt - (this.endOf(w) - this.windowMs)), String(this.windowMs))
      .then((raised) => {
        this.correctedUnits += Number(raised);
      })
      .catch(() => undefined);
  }

  pause(ms: number): void {
    const until = Date.now() + ms;
    this.adoptPause(until);
    if (this.mode === 'shared') void this.redis.eval(PAUSE_UNTIL, 1, this.key('pause'), String(until), String(ms + this.windowMs)).catch(() => undefined);
  }

  /** Where the key stands, for the run report. */
  summary(): SharedBudgetSummary {
    const spent = new Map(this.peers);
    spent.set(this.id, this.stats.unitsSpent);
    return {
      key: this.options.key,
      redis: this.redacted,
      processes: this.maxProcesses,
      sharePerWindow: Math.max(HEAVIEST_REQUEST_UNITS, Math.floor(this.units / this.maxProcesses)),
      unitsPerWindow: this.units,
      windowMs: this.windowMs,
      spentByProcess: [...spent].map(([process, unitsSpent]) => ({ process, unitsSpent, self: process === this.id })),
      correctedUnits: this.correctedUnits,
      redisLost: this.redisLost,
      localWindows: this.localWindows,
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    const stopped = (this.stopped = new Error('the rate limiter was stopped'));
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.reject(stopped);
    }
    this.sleepers.clear();
    if (this.redis.status === 'ready') {
      // Leave the key: the others' local share grows at once if Redis goes away later.
      await this.redis
        .multi()
        .hset(this.key('spent'), this.id, String(this.stats.unitsSpent))
        .zrem(this.key('processes'), this.id)
        .exec()
        .catch(() => undefined);
    }
    this.redis.disconnect();
  }

  /** Takes `units` from the budget; resolves with the window they were taken from. */
  private async acquire(units: number): Promise<number> {
    for (;;) {
      if (this.stopped) throw this.stopped;
      const now = Date.now();
      if (now < this.pausedUntil) {
        await this.sleepUntil(this.pausedUntil);
        continue;
      }
      const w = this.windowOf(now);
      const end = this.endOf(w);
      if (now >= end - this.guardMs) {
        await this.sleepUntil(end);
        continue;
      }
      if (this.mode === 'local' && w >= this.sharedFrom) {
        this.mode = 'shared';
        this.sharedFrom = Number.POSITIVE_INFINITY;
      }
      if (this.mode === 'local') {
        if (w < this.localFrom) {
          await this.sleepUntil(this.endOf(this.localFrom - 1));
          continue;
        }
        if (this.localWindow !== w) {
          this.localWindow = w;
          this.localSpent = 0;
          this.localWindows++;
        }
        if (this.localSpent + units <= this.localShare()) {
          this.localSpent += units;
          return w;
        }
        await this.sleepUntil(end);
        continue;
      }
      const waitUntil = await this.tryShared(w, units, end);
      if (waitUntil === undefined) return w;
      await this.sleepUntil(waitUntil);
    }
  }

  /** Takes `units` from window `w`'s counter: undefined when taken, else when to try again. */
  private async tryShared(w: number, units: number, end: number): Promise<number | undefined> {
    const key = `w:${w}`;
    try {
      // Others' spending per window as the headers showed it, this window and the last few.
      const keys = [this.key('pause')];
      for (let back = 0; back <= OTHERS_MEMORY_WINDOWS; back++) keys.push(this.key(`others:${w - back}`));
      const values = (await this.redis.mget(...keys)).map((v) => Number(v ?? 0));
      const pause = values[0];
      const pausedUntil = pause ?? 0;
      if (pausedUntil > Date.now()) {
        this.adoptPause(pausedUntil);
        return pausedUntil;
      }
      let taken: RateLimiterRes;
      try {
        taken = await this.store.consume(key, units);
      } catch (refused) {
        if (refused instanceof RateLimiterRes) return end;
        throw refused;
      }
      void this.redis.multi().incrby(this.key(`ours:${w}`), units).pexpire(this.key(`ours:${w}`), 3 * this.windowMs).exec().catch(() => undefined);
      // Others (another integration) spend units too: keep their expected spending for the rest
      // of the window free, or our last requests would meet theirs. Expected: the highest rate
      // seen this window or the last few — measured before the window fills, what they ask for,
      // not what they are served once it is full.
      const now = Date.now();
      const elapsed = now - (end - this.windowMs);
      const others = Math.max(0, ...values.slice(1));
      if (others <= 0) return undefined;
      const reserve = (others * Math.max(0, end - now)) / this.windowMs + OTHERS_MARGIN_UNITS;
      // And spend evenly over the window (a tenth ahead), not in one burst at its start: requests
      // all along keep the headers telling what the others spend now.
      const paced = (this.units * (elapsed + this.windowMs / 10)) / this.windowMs;
      if (taken.consumedPoints + reserve <= this.units && taken.consumedPoints <= paced) return undefined;
      await this.giveBack(w, units);
      const room = this.units - taken.consumedPoints - OTHERS_MARGIN_UNITS;
      if (room <= 0) return end;
      const reserveAllows = end - (room * this.windowMs) / others;
      const paceAllows = end - this.windowMs + (taken.consumedPoints * this.windowMs) / this.units - this.windowMs / 10;
      return Math.min(end, Math.max(now + 5, reserveAllows, paceAllows));
    } catch (error) {
      if (this.stopped) throw this.stopped;
      this.lose((error as Error).message);
      return Date.now();
    }
  }

  private adoptPause(until: number): void {
    if (until <= this.pausedUntil) return;
    const now = Date.now();
    this.stats.pauses++;
    this.stats.pausedMs += until - Math.max(now, this.pausedUntil);
    this.pausedUntil = until;
  }

  private lose(reason: string): void {
    if (this.mode === 'local' || this.stopped) return;
    this.mode = 'local';
    this.redisLost++;
    this.localFrom = this.windowOf(Date.now()) + 1;
    this.sharedFrom = Number.POSITIVE_INFINITY;
    this.options.onNotice?.(
      `shared budget: lost Redis at ${this.redacted} (${reason}); from the next window this process spends a local share of ${this.localShare()} units per ${this.windowMs / 1000} s window (the budget of ${this.units} ÷ ${this.processes} processes last seen on key ${this.options.key}) until Redis is back`,
    );
  }

  /** Redis is back: every process shares again from the same window, agreed through Redis. */
  private async recovered(): Promise<void> {
    if (this.mode !== 'local') return;
    try {
      // Far enough ahead that every process reconnects (at most RECONNECT_MAX_MS apart) before it.
      const proposed = this.windowOf(Date.now() + 2 * RECONNECT_MAX_MS) + 1;
      const agreed = Number(await this.redis.eval(RESUME_AT, 1, this.key('resume'), String(proposed), String(3 * this.windowMs)));
      this.sharedFrom = agreed > this.windowOf(Date.now()) ? agreed : proposed;
      await this.beat();
      this.options.onNotice?.(`shared budget: Redis at ${this.redacted} is back; sharing key ${this.options.key} again from the window starting in ${((this.endOf(this.sharedFrom - 1) - Date.now()) / 1000).toFixed(1)} s`);
    } catch {
      // Lost again: the next 'ready' tries again.
    }
  }

  /** Registers this process as alive on the key and reads who else is. */
  private async beat(): Promise<void> {
    const now = Date.now();
    const results = await this.redis
      .multi()
      .zadd(this.key('processes'), now, this.id)
      .zremrangebyscore(this.key('processes'), '-inf', now - 3 * this.heartbeatMs)
      .zrange(this.key('processes'), 0, -1)
      .hset(this.key('spent'), this.id, String(this.stats.unitsSpent))
      .hgetall(this.key('spent'))
      .pexpire(this.key('processes'), DAY_MS)
      .pexpire(this.key('spent'), DAY_MS)
      .exec();
    if (!results) return;
    const alive = (results[2]?.[1] ?? []) as string[];
    const spent = (results[4]?.[1] ?? {}) as Record<string, string>;
    this.processes = Math.max(1, alive.length);
    this.maxProcesses = Math.max(this.maxProcesses, this.processes);
    for (const process of alive) if (process !== this.id) this.peers.set(process, Number(spent[process] ?? 0));
    for (const process of this.peers.keys()) if (spent[process] !== undefined) this.peers.set(process, Number(spent[process]));
  }

  private localShare(): number {
    return Math.max(HEAVIEST_REQUEST_UNITS, Math.floor(this.units / Math.max(1, this.processes)));
  }

  private makeStore(): RateLimiterRedis {
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: this.prefix,
      points: this.units,
      duration: Math.ceil((3 * this.windowMs) / 1000),
      rejectIfRedisNotReady: true,
      customIncrTtlLuaScript: CONSUME_IF_FITS,
    });
  }

  private key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  /** The server's fixed windows: floor(time / window). */
  private windowOf(t: number): number {
    return Math.floor(t / this.windowMs);
  }

  private endOf(w: number): number {
    return (w + 1) * this.windowMs;
  }

  private sleepUntil(at: number): Promise<void> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        // Not unref'd: while requests wait for a window it is what keeps the process alive.
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, Math.max(1, at - Date.now())),
        reject,
      };
      this.sleepers.add(sleeper);
    });
  }
}
