// The contract every parser keeps on any input (issue 9): a value or the documented exception, in bounded time.
package io.rxiothub.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Runs a parser on one input and checks that it either returns or throws the documented exception
 * with a non-blank message, never anything else, and finishes within a bound (jqwik has no per-try
 * timeout, so the call runs on a helper thread and a hang fails the try instead of the build).
 */
public final class ParserContract {

  /** The default bound: generous, since a hang is what it catches, not slowness. */
  public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(10);

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "parser-contract-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private ParserContract() {}

  /**
   * Runs {@code parse} with {@link #DEFAULT_LIMIT}; returns the documented exception it threw, or
   * null if it returned.
   *
   * @throws AssertionError if it threw anything else, a blank message, or did not finish in time
   */
  public static <X extends Throwable> @Nullable X check(String what, Class<X> documented,
      Callable<?> parse) {
    return check(what, documented, DEFAULT_LIMIT, parse);
  }

  /** As {@link #check(String, Class, Callable)} with an explicit bound. */
  public static <X extends Throwable> @Nullable X check(String what, Class<X> documented,
      Duration limit, Callable<?> parse) {
    Future<?> future = EXECUTOR.submit(parse);
    try {
      future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AssertionError(what + " did not finish within " + limit + " (a parser must never "
          + "hang)");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new AssertionError(what + " was interrupted", e);
    } catch (ExecutionException e) {
      Throwable thrown = e.getCause();
      if (documented.isInstance(thrown)) {
        String message = thrown.getMessage();
        if (message == null || message.trim().isEmpty()) {
          throw new AssertionError(what + " threw " + documented.getSimpleName()
              + " without a message", thrown);
        }
        return documented.cast(thrown);
      }
      throw new AssertionError(what + " threw " + thrown + "; only " + documented.getSimpleName()
          + " is documented", thrown);
    }
  }
}
