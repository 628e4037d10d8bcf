// The rxiothub-io-N threads: the Netty event loops the HiveMQ client of every connection shares.
package io.rxiothub.transport.internal.hivemq;

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/** The executor the HiveMQ client starts its Netty event loops with (the key of its shared group). */
final class IoThreads {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  /**
   * Starts each event loop on a daemon {@code rxiothub-io-N} thread. The threads are Netty
   * {@link FastThreadLocalThread}s, as Netty's own thread factory makes: on a plain thread every
   * buffer allocation and recycling of the event loop looks its thread-local state up through a
   * {@code java.lang.ThreadLocal} (Netty's "slow path"), which JFR showed on the D2C hot path.
   */
  static final Executor EXECUTOR = command -> {
    Thread t = new FastThreadLocalThread(() -> {
      try {
        command.run();
      } finally {
        FastThreadLocal.removeAll();
      }
    }, "rxiothub-io-" + COUNTER.incrementAndGet());
    t.setDaemon(true);
    t.start();
  };

  private IoThreads() {}
}
