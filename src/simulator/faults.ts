/**
 * Declarative fault injection, built on the state's one `FaultHook`.
 *
 * A `FaultPlan` contains rules in the order they were added. For each call, the first rule that matches the
 * operation and has calls left applies: it can delay the call, respond with an error status, throttle, drop
 * the response after the handler has changed the state, or never respond. Independently, the first reads of
 * each new endpoint can fail with 404, so that clients can be tested against eventually consistent reads.
 *
 * The control API under `/_simulator/faults` sets the same plan from another process, such as `npm run sim`.
 * It has no authentication, so anyone who can reach the port can break the simulator. The simulator listens on
 * 127.0.0.1 unless `HOST` (or the `host` option) sets another address; do not expose it on a shared network.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { familyForPath, SimulatorError, vpcepError } from './errors.ts';
import { type FaultRule, parseFaultRule, statusError, throttleError } from './fault-rules.ts';
import { parseJsonObject } from './http.ts';
import type { FaultHook, OperationContext } from './state.ts';

export { type FaultRule, parseFaultRule } from './fault-rules.ts';

export interface FaultHandle {
  readonly id: string;
  /** Number of calls the rule has applied to so far. */
  readonly hits: number;
  remove(): void;
}

export interface FaultRuleStatus {
  id: string;
  rule: FaultRule;
  hits: number;
}

interface ActiveRule {
  id: string;
  rule: FaultRule;
  hits: number;
}

export class FaultPlan {
  /** The hook to install as `SimulatorState.faultHook`. Replacing that hook disables the plan. */
  readonly hook: FaultHook;
  #rules: ActiveRule[] = [];
  #nextId = 1;
  #notFoundReads = 0;
  /** Remaining 404 reads per endpoint id. */
  readonly #pendingNotFound = new Map<string, number>();
  readonly #dropAfterHandler = new WeakSet<FastifyRequest>();
  /** Sockets of calls that a rule keeps open (latency or hang), destroyed when the app closes. */
  readonly #heldSockets = new Set<Socket>();
  readonly #closing = new AbortController();

  constructor() {
    this.hook = {
      before: (context) => this.#before(context),
      after: (context, result) => this.#after(context, result),
    };
  }

  /** Appends a rule after the existing ones. Throws a `RangeError` naming the field when the rule is invalid. */
  add(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { id: `fault-${this.#nextId}`, rule: parseFaultRule(rule), hits: 0 };
    this.#nextId += 1;
    this.#rules.push(active);
    return {
      id: active.id,
      get hits() {
        return active.hits;
      },
      remove: () => this.remove(active.id),
    };
  }

  /** Removes one rule. Returns false when no rule has that id. */
  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((active) => active.id !== id);
    return this.#rules.length < before;
  }

  list(): FaultRuleStatus[] {
    return this.#rules.map((active) => ({
      id: active.id,
      rule: structuredClone(active.rule),
      hits: active.hits,
    }));
  }

  /** Makes the first `count` GETs of each endpoint created from now on fail with 404 `EndPoint.0005`. */
  notFoundReadsForNewEndpoints(count: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`count must be a non-negative integer, got ${count}`);
    }
    this.#notFoundReads = count;
  }

  get notFoundReads(): number {
    return this.#notFoundReads;
  }

  /** Removes every rule and ends the 404 reads, including those still pending for existing endpoints. */
  clear(): void {
    this.#rules = [];
    this.#notFoundReads = 0;
    this.#pendingNotFound.clear();
  }

  /** Ends every call that a rule keeps open, so that closing the app does not wait for them. */
  releaseHeldCalls(): void {
    this.#closing.abort();
    for (const socket of this.#heldSockets) socket.destroy();
    this.#heldSockets.clear();
  }

  async #before(context: OperationContext): Promise<void> {
    const active = this.#rules.find((candidate) => matches(candidate, context.operation));
    if (active) {
      active.hits += 1;
      await this.#apply(active.rule, context);
      if (context.reply.sent) return;
    }
    if (context.operation === 'ListEndpointInfoDetails') this.#failEarlyRead(context.request);
  }

  async #apply(rule: FaultRule, { request, reply }: OperationContext): Promise<void> {
    if (rule.latencyMs !== undefined && rule.latencyMs > 0) {
      const completed = await this.#wait(rule.latencyMs, request, reply);
      if (!completed) return;
    }

    const family = familyForPath(request.url.split('?')[0]);
    if (rule.hang) this.#hold(request, reply);
    else if (rule.throttle) throw throttleError(family === 'keystone');
    else if (rule.status !== undefined) throw statusError(rule, family === 'keystone');
    else if (rule.dropResponse) this.#dropAfterHandler.add(request);
  }

  /** Waits, holding the socket. Returns false when the app closed meanwhile and the call was abandoned. */
  async #wait(ms: number, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const socket = request.raw.socket;
    this.#heldSockets.add(socket);
    try {
      await sleep(ms, undefined, { signal: this.#closing.signal });
      return true;
    } catch {
      reply.hijack();
      return false;
    } finally {
      this.#heldSockets.delete(socket);
    }
  }

  /** Takes the reply away from Fastify so that nothing is sent. The socket stays open until either side ends it. */
  #hold(request: FastifyRequest, reply: FastifyReply): void {
    reply.hijack();
    const socket = request.raw.socket;
    this.#heldSockets.add(socket);
    socket.once('close', () => this.#heldSockets.delete(socket));
  }

  #after(context: OperationContext, result: unknown): unknown {
    if (context.operation === 'CreateEndpoint') this.#rememberNewEndpoint(result);
    if (this.#dropAfterHandler.has(context.request)) {
      context.reply.hijack();
      context.request.raw.socket.destroy();
    }
    return result;
  }

  #rememberNewEndpoint(result: unknown): void {
    if (this.#notFoundReads === 0) return;

    const { status, body } = result as { status: number; body?: { id?: unknown } };
    if (status >= 200 && status < 300 && typeof body?.id === 'string') {
      this.#pendingNotFound.set(body.id, this.#notFoundReads);
    }
  }

  /** Fails the read with the endpoint handler's 404 while the endpoint has 404 reads left. */
  #failEarlyRead(request: FastifyRequest): void {
    const { projectId, endpointId } = request.params as Record<string, string>;
    const remaining = this.#pendingNotFound.get(endpointId);
    if (remaining === undefined) return;

    if (remaining <= 1) this.#pendingNotFound.delete(endpointId);
    else this.#pendingNotFound.set(endpointId, remaining - 1);
    throw vpcepError('EndPoint.0005', `Project ${projectId} has no endpoint ${endpointId}.`);
  }
}

function matches(active: ActiveRule, operation: string): boolean {
  const { operations, times } = active.rule;
  if (times !== undefined && active.hits >= times) return false;
  return operations === undefined || operations.includes(operation);
}

/**
 * Adds the control API and makes closing the app end held calls. The routes bypass `addRoute`, so faults
 * never apply to them.
 */
export function installFaultPlan(app: FastifyInstance, plan: FaultPlan): void {
  app.addHook('preClose', async () => plan.releaseHeldCalls());

  app.post('/_simulator/faults', async (request, reply) => {
    const handle = plan.add(parseRequestBody(request, parseFaultRule));
    return reply.code(201).send({ id: handle.id });
  });
  app.get('/_simulator/faults', async () => ({
    rules: plan.list(),
    notFoundReadsForNewEndpoints: plan.notFoundReads,
  }));
  app.delete('/_simulator/faults', async (_request, reply) => {
    plan.clear();
    return reply.code(204).send();
  });
  app.delete('/_simulator/faults/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!plan.remove(id)) throw vpcepError('EndPoint.0005', `No fault rule has the id ${id}.`);
    return reply.code(204).send();
  });
  app.put('/_simulator/faults/not-found-reads', async (request, reply) => {
    plan.notFoundReadsForNewEndpoints(parseRequestBody(request, readCount));
    return reply.code(204).send();
  });
}

/** Parses the JSON body with `parse`, turning its `RangeError` into a 400 `EndPoint.0002`. */
function parseRequestBody<T>(request: FastifyRequest, parse: (body: unknown) => T): T {
  try {
    return parse(parseJsonObject(request));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new SimulatorError(400, 'vpcep', 'EndPoint.0002', `Parameter error. ${error.message}`);
  }
}

function readCount(body: unknown): number {
  const count = (body as { count?: unknown } | undefined)?.count;
  if (!Number.isInteger(count) || (count as number) < 0) {
    throw new RangeError('the body must be {"count": <non-negative integer>}');
  }
  return count as number;
}
