// Root of the SDK's unchecked error hierarchy (STYLE.md §5): every failure that reaches onError is one.
package io.rxiothub.device;

import org.jspecify.annotations.Nullable;

/**
 * Base class of every error the SDK reports through {@code onError}.
 *
 * <p>Subclasses say what failed; {@link #isRetryable()} says whether trying the same operation again
 * later can succeed without the caller changing anything. Messages never contain keys, signatures or
 * tokens.
 */
public abstract class IotHubException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  IotHubException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Returns whether the same operation may succeed if tried again later, unchanged (for example after
   * a network outage), as opposed to errors that need a change first (bad credentials, bad input).
   */
  public abstract boolean isRetryable();
}
