// A message that does not fit: the store is at its size limit and its policy refuses new messages.
package io.rxiothub.gateway.store;

/**
 * An append was refused because the store is at its size limit ({@link OverflowPolicy#REJECT_NEW}), or because the
 * one message is larger than the whole limit (under either policy). The message names the limit, what is in use and
 * the size of the refused record; nothing already accepted was lost.
 */
public final class StoreFullException extends StoreException {

  private static final long serialVersionUID = 1L;

  private final long maxBytes;
  private final long usedBytes;
  private final long recordBytes;

  /** An exception for a record of {@code recordBytes} that did not fit {@code maxBytes} with {@code usedBytes} used. */
  public StoreFullException(long maxBytes, long usedBytes, long recordBytes, OverflowPolicy policy) {
    super(message(maxBytes, usedBytes, recordBytes, policy));
    this.maxBytes = maxBytes;
    this.usedBytes = usedBytes;
    this.recordBytes = recordBytes;
  }

  private static String message(long maxBytes, long usedBytes, long recordBytes, OverflowPolicy policy) {
    if (recordBytes > maxBytes) {
      return "gateway store: a record of " + recordBytes + " bytes is larger than the store's maxBytes " + maxBytes
          + "; raise maxBytes or send smaller messages";
    }
    return "gateway store full: " + usedBytes + " of maxBytes " + maxBytes + " bytes in use, a record of "
        + recordBytes + " bytes does not fit (overflow policy " + policy + "); raise maxBytes, let the upstream "
        + "catch up, or use DROP_OLDEST";
  }

  /** Returns the store's size limit in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Returns the bytes in use when the record was refused. */
  public long usedBytes() {
    return usedBytes;
  }

  /** Returns the size of the refused record in bytes. */
  public long recordBytes() {
    return recordBytes;
  }
}
