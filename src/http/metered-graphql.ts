/**
 * Charges a GraphQL operation's own synchronous work to its request's meter (see cost-meter.ts):
 * parsing a new text, validating it, and executing it, which for a document run before includes
 * graphql-jit's compile. All three grow with what the client writes (up to the query limits: a
 * query of 15 aliases and 3,000 tokens takes tens of milliseconds to compile and run), and none
 * was charged: a user sending distinct wide queries took most of the event loop, beyond their
 * budget, and another user's writes waited behind them (`npm run bench:abuse`, the `documents`
 * attack).
 *
 * Execution is timed up to its first wait (a read): the fields resolved before it, and the
 * compile. What runs after a wait is charged where it is metered (JSON parsed, data served).
 */
import type { Plugin } from 'graphql-yoga';
import { type CostMeter, chargeMs, metered } from './cost-meter';

/** The meter a request's context carries (see MeteredServerContext), if any. */
const meterOf = (context: unknown) => (context as { meter?: CostMeter } | null)?.meter;

/** Times from a hook's start to its end hook into the request's meter. */
const timed = ({ context }: { context: unknown }) => {
  const meter = meterOf(context);
  if (!meter) return;
  const started = performance.now();
  return () => chargeMs(meter, performance.now() - started);
};

export function useMeteredGraphql(): Plugin {
  return {
    onParse: timed,
    onValidate: timed,
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => metered(meterOf(args.contextValue), () => executeFn(args)));
    },
  };
}
