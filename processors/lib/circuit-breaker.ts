/**
 * Fails fast while a dependency is failing: after `threshold` consecutive failures it opens for
 * `openMs`, then lets one trial call through (half-open): calls made while the trial is out are
 * refused too, so a dependency coming back is not hit by every waiting caller at once. The
 * trial's success closes it; its failure opens it for another `openMs`.
 *
 * Only failures of the dependency itself count (`counts`): an error one caller brought on
 * itself (a model the server does not know, a refused prompt, a cancelled call) leaves the count
 * as it was, so one user's choices never shut the dependency off for everyone else.
 *
 * A refusal is an `UnavailableError` saying when to come back: the runtime waits that long
 * without counting an attempt, so an outage costs runs time, never their attempts.
 */
import { UnavailableError } from '../kit';

export class CircuitOpenError extends UnavailableError {
  override name = 'CircuitOpenError';
}

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private trialOut = false;

  constructor(
    private readonly threshold = 10,
    private readonly openMs = 30_000,
    private readonly now: () => number = Date.now,
    /** Whether an error is the dependency's failure. Default: every error is. */
    private readonly counts: (error: unknown) => boolean = () => true,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.failures < this.threshold) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** How long a caller refused while the trial is out should wait: a short look, not a window. */
  private get trialWaitMs(): number {
    return Math.min(1000, Math.max(10, Math.round(this.openMs / 20)));
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open') {
      const waitMs = this.openUntil - this.now();
      throw new CircuitOpenError(
        `The LLM failed ${this.failures} times in a row; not calling it for ${Math.ceil(waitMs / 1000)} s`,
        waitMs,
      );
    }
    if (state === 'half-open') {
      if (this.trialOut) {
        throw new CircuitOpenError(
          'The LLM is being tried again after failing; not calling it until that trial ends',
          this.trialWaitMs,
        );
      }
      this.trialOut = true;
    }
    const trial = state === 'half-open';
    try {
      const result = await fn();
      this.failures = 0;
      return result;
    } catch (error) {
      if (this.counts(error)) {
        this.failures++;
        if (this.failures >= this.threshold) this.openUntil = this.now() + this.openMs;
      }
      throw error;
    } finally {
      if (trial) this.trialOut = false;
    }
  }
}
