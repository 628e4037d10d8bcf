// JUnit 5 extension for integration tests: after each test, no leaked rxiothub-* thread and no error
// that RxJava could not deliver (STYLE.md §7).
package io.rxiothub.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves a new live thread whose name starts with {@code rxiothub-} (after a bounded
 * grace period for threads that are shutting down), or during which RxJava reported an undeliverable
 * error. Use with {@code @ExtendWith(NoLeaksExtension.class)} on a test class.
 */
public final class NoLeaksExtension implements BeforeEachCallback, AfterEachCallback {

  private static final String PREFIX = "rxiothub-";
  private static final long GRACE_MILLIS = 5_000;
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(NoLeaksExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    List<Throwable> undeliverable = new CopyOnWriteArrayList<>();
    RxJavaPlugins.setErrorHandler(undeliverable::add);
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    store.put("threads", liveThreadIds());
    store.put("errors", undeliverable);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void afterEach(ExtensionContext context) throws InterruptedException {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    Set<Long> before = (Set<Long>) store.get("threads", Set.class);
    List<Throwable> errors = (List<Throwable>) store.get("errors", List.class);
    RxJavaPlugins.setErrorHandler(null);
    long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
    List<String> leaked = leakedSince(before);
    while (!leaked.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      leaked = leakedSince(before);
    }
    if (!leaked.isEmpty()) {
      fail("leaked threads after the test: " + leaked);
    }
    if (!errors.isEmpty()) {
      AssertionError failure = new AssertionError("RxJava reported " + errors.size()
          + " undeliverable error(s); the first is attached");
      failure.initCause(errors.get(0));
      throw failure;
    }
  }

  /** Returns the names of live {@code rxiothub-*} threads that were not alive in {@code before}. */
  public static List<String> leakedSince(Set<Long> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(PREFIX) && !before.contains(t.getId()))
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.toList());
  }

  /** Returns the ids of the live {@code rxiothub-*} threads. */
  public static Set<Long> liveThreadIds() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(PREFIX))
        .map(Thread::getId)
        .collect(Collectors.toSet());
  }
}
