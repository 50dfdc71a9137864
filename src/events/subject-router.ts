/**
 * Routes the messages of one stream-wide consumer to the event subscriptions open in this
 * process. One JetStream consumer per subscription costs a server consumer, a client
 * subscription, a heartbeat monitor and a status listener each (issue 14: 10,000 subscriptions
 * on one process); one consumer for the process and a map from user to routes cost a few objects.
 *
 * Isolation: a message goes only to the routes of the user token its subject names (the same
 * token `userFilter` puts in a subscription's filter: `<prefix>.ev.<user>.<entity>.<action>.*`),
 * matched token by token as the filter would match it, and only if the event inside names that
 * same user.
 *
 * Cursors: each delivery carries its stream sequence. A route that replays a backlog first is
 * attached before the replay starts and holds what the router sends meanwhile; when the replay
 * is done, `live(last)` passes on what it held after `last` and from then on only sequences after
 * the last one passed on: no gap, no duplicate.
 */
import type { Delivery } from './backbone';
import type { DeliveryQueue } from './delivery-queue';
import type { StudioEvent } from './event';
import { encodeToken } from './subjects';

export interface RouteOptions {
  entity?: string;
  action?: string;
  /** Most messages held while the route replays (its subscription's buffer size). */
  hold: number;
  /** Replays first: hold what arrives until `live`. Otherwise live at once. */
  replaying: boolean;
}

const nothing = () => {};

export class Route {
  /** The stream sequence of the last delivery passed on (or covered by the replay). */
  private last = 0;
  /** What arrived while replaying, oldest first; null once live. */
  private held: { seq: number; delivery: Delivery }[] | null;
  /** The sequence of the last message dropped from `held` (0: none). */
  private heldDropped = 0;
  private readonly entity: string | undefined;
  private readonly action: string | undefined;
  /** Ends the subscription when the router stops without being asked to. */
  end: () => void = nothing;

  constructor(
    readonly user: string,
    private readonly queue: DeliveryQueue,
    private readonly options: RouteOptions,
    private readonly router: SubjectRouter,
  ) {
    this.entity = options.entity === undefined ? undefined : encodeToken(options.entity);
    this.action =
      options.entity === undefined || options.action === undefined
        ? undefined
        : encodeToken(options.action);
    this.held = options.replaying ? [] : null;
  }

  /** Whether the subject's tokens after the user's pass the filter `userFilter` would build. */
  matches(tokens: readonly string[]): boolean {
    if (this.entity === undefined) return tokens.length >= 2;
    if (tokens[1] !== this.entity) return false;
    if (this.action === undefined) return tokens.length >= 3;
    return tokens.length === 4 && tokens[2] === this.action;
  }

  offer(seq: number, delivery: Delivery): void {
    if (this.held) {
      this.held.push({ seq, delivery });
      if (this.held.length > this.options.hold) this.heldDropped = this.held.shift()!.seq;
      return;
    }
    if (seq <= this.last) return;
    this.last = seq;
    // The queue drops its oldest past its capacity and says RESET: a slow reader holds no one up.
    this.queue.push(delivery);
  }

  /**
   * Live after `last` (the last sequence the replay read, or the cursor a RESET gave): what was
   * held after it goes to the queue now. If what was dropped from the hold is not all covered by
   * the replay, a RESET with the last dropped cursor goes first, as the queue's own would.
   */
  live(last: number): void {
    const held = this.held ?? [];
    this.held = null;
    this.last = Math.max(this.last, last);
    if (this.heldDropped > this.last) {
      this.queue.push({ kind: 'reset', cursor: String(this.heldDropped) });
      this.last = this.heldDropped;
    }
    for (const { seq, delivery } of held) this.offer(seq, delivery);
  }

  detach(): void {
    this.held = null;
    this.router.detach(this);
  }
}

export class SubjectRouter {
  /** Open routes by encoded user token (an array: most users have one or two). */
  private readonly routes = new Map<string, Route[]>();
  private readonly base: string;

  constructor(
    prefix: string,
    private readonly dropped: (reason: string, subject: string, error?: unknown) => void,
  ) {
    this.base = `${prefix}.ev.`;
  }

  /** A route of `userId`'s events (optionally of one entity and action) into `queue`. */
  attach(userId: string, queue: DeliveryQueue, options: RouteOptions): Route {
    const user = encodeToken(userId);
    const route = new Route(user, queue, options, this);
    const routes = this.routes.get(user);
    if (routes) routes.push(route);
    else this.routes.set(user, [route]);
    return route;
  }

  /** Takes `route` out (its subscription ended). */
  detach(route: Route): void {
    const routes = this.routes.get(route.user);
    const at = routes?.indexOf(route) ?? -1;
    if (!routes || at < 0) return;
    routes.splice(at, 1);
    if (routes.length === 0) this.routes.delete(route.user);
  }

  /** Routes open now. */
  get size(): number {
    let n = 0;
    for (const routes of this.routes.values()) n += routes.length;
    return n;
  }

  /**
   * One message of the stream: parsed (once, and only if some route wants it) and passed to the
   * routes of the user its subject names.
   */
  dispatch(subject: string, seq: number, parse: () => StudioEvent): void {
    if (!subject.startsWith(this.base)) return;
    const tokens = subject.slice(this.base.length).split('.');
    const routes = this.routes.get(tokens[0]!);
    if (!routes) return;
    let delivery: Delivery | undefined;
    for (const route of routes) {
      if (!route.matches(tokens)) continue;
      if (!delivery) {
        let event: StudioEvent;
        try {
          event = parse();
        } catch (error) {
          this.dropped('dropped a malformed event', subject, error);
          return;
        }
        if (encodeToken(event.userId) !== tokens[0]) {
          this.dropped("dropped an event whose user is not its subject's", subject);
          return;
        }
        delivery = { kind: 'event', cursor: String(seq), event };
      }
      route.offer(seq, delivery);
    }
  }

  /** Every open route (to end them when the router stops on its own). */
  all(): Route[] {
    return [...this.routes.values()].flat();
  }
}
