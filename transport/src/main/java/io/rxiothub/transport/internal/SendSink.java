// Where the outcomes of a stream's sends go instead of a CompletableObserver.
package io.rxiothub.transport.internal;

/** Hears the outcomes of a stream's sends, one at a time, in order, on the callback scheduler. */
public interface SendSink {
  /** {@code p} was decided: {@link PendingSend#error()} is null if the server acknowledged it. */
  void outcome(PendingSend p);
}
