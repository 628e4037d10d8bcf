// The bounded offline queue could not take or keep a message.
package io.rxiothub.device;

/**
 * A message was refused (policy {@link OverflowPolicy#FAIL}) or dropped (policy
 * {@link OverflowPolicy#DROP_OLDEST}) because the offline queue was full while the client was
 * reconnecting. Retryable: the queue drains once the client is connected again.
 */
public class IotHubQueueFullException extends IotHubException {

  private static final long serialVersionUID = 1L;

  private final int capacity;

  /** Creates the exception for a queue of {@code capacity} messages. */
  public IotHubQueueFullException(int capacity, String message) {
    super(message, null);
    this.capacity = capacity;
  }

  /** Returns the capacity of the offline queue. */
  public int capacity() {
    return capacity;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
