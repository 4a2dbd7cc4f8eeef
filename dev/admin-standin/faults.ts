import type { StandinUserError } from './types.js';

export type FaultKind = 'throttled' | 'http500' | 'http502' | 'http503' | 'userErrors' | 'networkDrop';

export interface FailNextOptions {
  /** How many matching requests fail; default 1. */
  count?: number;
  /** Only requests selecting this root field (e.g. 'storeCreditAccountCredit') fail. */
  field?: string;
  /** Only requests for this shop fail. */
  shop?: string;
  /** For 'userErrors': the entry returned in the payload's userErrors. */
  userError?: StandinUserError;
  /**
   * For 'http5xx' and 'networkDrop': fail after the operation ran, so state changed
   * but the caller never learns it — the case that makes blind mutation retries unsafe.
   */
  afterExecute?: boolean;
}

export interface Fault {
  kind: FaultKind;
  remaining: number;
  field: string | undefined;
  shop: string | undefined;
  userError: StandinUserError;
  afterExecute: boolean;
}

export interface FaultRequest {
  shop: string;
  operationType: string;
  fields: string[];
  /** before: refuse the request; execute: shape the mutation's payload; after: lose the answer. */
  phase: FaultPhase;
}

export type FaultPhase = 'before' | 'execute' | 'after';

const DEFAULT_USER_ERROR: StandinUserError = { field: null, message: 'Injected by the admin stand-in' };

/** Faults armed by control.failNext, consumed in the order they were armed. */
export class FaultQueue {
  private faults: Fault[] = [];

  arm(kind: FaultKind, options: FailNextOptions = {}): void {
    this.faults.push({
      kind,
      remaining: Math.max(1, options.count ?? 1),
      field: options.field,
      shop: options.shop,
      userError: options.userError ?? DEFAULT_USER_ERROR,
      afterExecute: options.afterExecute === true && kind !== 'throttled' && kind !== 'userErrors',
    });
  }

  /** Returns and consumes the first fault that applies to this request, if any. */
  take(request: FaultRequest): Fault | undefined {
    const fault = this.faults.find((candidate) => applies(candidate, request));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  get pending(): number {
    return this.faults.reduce((sum, fault) => sum + fault.remaining, 0);
  }
}

function phaseOf(fault: Fault): FaultPhase {
  if (fault.kind === 'userErrors') return 'execute';
  return fault.afterExecute ? 'after' : 'before';
}

function applies(fault: Fault, request: FaultRequest): boolean {
  if (phaseOf(fault) !== request.phase) return false;
  if (fault.shop !== undefined && fault.shop.toLowerCase() !== request.shop) return false;
  if (fault.field !== undefined && !request.fields.includes(fault.field)) return false;
  // A payload with userErrors only exists for mutations.
  return fault.kind !== 'userErrors' || request.operationType === 'mutation';
}
