/**
 * Fails fast while a dependency is failing: after `threshold` consecutive failures it opens for
 * `openMs`, then lets one trial call through (half-open); a success closes it again.
 *
 * Only failures of the dependency itself count (`counts`): an error one caller brought on
 * itself (a model the server does not know, a refused prompt, a cancelled call) leaves the count
 * as it was, so one user's choices never shut the dependency off for everyone else.
 */
export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
}

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;

  constructor(
    private readonly threshold = 5,
    private readonly openMs = 30_000,
    private readonly now: () => number = Date.now,
    /** Whether an error is the dependency's failure. Default: every error is. */
    private readonly counts: (error: unknown) => boolean = () => true,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.failures < this.threshold) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.state === 'open') {
      throw new CircuitOpenError(
        `The LLM failed ${this.failures} times in a row; not calling it for ${Math.ceil((this.openUntil - this.now()) / 1000)} s`,
      );
    }
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
    }
  }
}
