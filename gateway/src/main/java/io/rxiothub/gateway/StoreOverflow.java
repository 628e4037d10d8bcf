// What the gateway does when its store is full (protocol.md §18.4).
package io.rxiothub.gateway;

/** What happens to a leaf's telemetry when the store reaches its byte limit. */
public enum StoreOverflow {
  /** The new message is refused: no PUBACK, the leaf's connection is closed, its SDK keeps and resends it. */
  REJECT_NEW,
  /** The oldest stored messages are deleted (counted in the metrics) to make room for the new one. */
  DROP_OLDEST
}
