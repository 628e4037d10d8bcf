// Registered for every Jupiter test of every module (META-INF/services + autodetection): Awaitility's own default
// waits 100 ms before its first look and between looks, which made a wait that is over in a few milliseconds cost
// 100-200 ms; the suite has ~150 such waits, some in loops (LeakIT's 100 fault cycles spent most of their time
// there). A wait that gives a poll interval of its own keeps it.
package io.rxiothub.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Sets Awaitility's default poll interval (and so its first delay) to {@link #POLL_INTERVAL}. */
public final class AwaitilityDefaults implements BeforeAllCallback {

  /** Short enough not to dominate a wait, long enough not to spin on a loaded 2-core machine. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(20);

  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.setDefaultPollInterval(POLL_INTERVAL);
  }
}
