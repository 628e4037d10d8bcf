// The store's failures: the disk or the database refused, the store is closed, or it is full.
package io.rxiothub.gateway.store;

/**
 * A {@link ForwardStore} could not do what was asked: the underlying database failed (the cause says why: disk,
 * permissions, a second process on the same directory), or the store is closed. {@link StoreFullException} is the
 * one a caller handles as a matter of course.
 */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with this message. */
  public StoreException(String message) {
    super(message);
  }

  /** An exception with this message and cause. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
