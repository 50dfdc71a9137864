/**
 * A bounded queue between a backbone and one subscriber. A slow subscriber never makes it grow
 * past `capacity`: the oldest undelivered events are dropped and the subscriber gets a RESET
 * (with the cursor of the last dropped event) before the events that remain.
 */
import type { Delivery } from './backbone';
import { BoundedChannel } from './bounded-channel';

const resetAfter = (dropped: Delivery): Delivery => ({ kind: 'reset', cursor: dropped.cursor });

export class DeliveryQueue extends BoundedChannel<Delivery> {
  constructor(capacity: number, onClose?: () => void) {
    super(capacity, onClose, resetAfter);
  }
}
