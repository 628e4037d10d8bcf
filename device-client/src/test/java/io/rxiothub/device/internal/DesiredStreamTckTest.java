// DesiredStream, the hot desired-updates Publisher, against the Reactive Streams TCK (rules 1.x to 3.x).
package io.rxiothub.device.internal;

import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;

/**
 * Each publisher is a fresh stream whose first subscriber's arrival feeds its tracker a baseline
 * (desired {@code $version} 0) and then the patches 1 to n in order, and completes it: the subscriber
 * gets them through its buffer as it requests them, then the completion, on the stream's real path.
 * A later subscriber finds the stream completed and gets the completion alone.
 */
public class DesiredStreamTckTest extends PublisherVerification<TwinPatch> {

  public DesiredStreamTckTest() {
    super(new TestEnvironment(2_000, 50, 20), 1_000);
  }

  @Override
  public Publisher<TwinPatch> createPublisher(long elements) {
    AtomicReference<@Nullable DesiredStream> stream = new AtomicReference<>();
    AtomicBoolean fed = new AtomicBoolean();
    DesiredStream s = new DesiredStream("tck", () -> {
      DesiredStream d = stream.get();
      if (d == null || !fed.compareAndSet(false, true)) {
        return;
      }
      d.onTwin(Twin.builder().desiredVersion(0).reportedVersion(0).build());
      for (long v = 1; v <= elements; v++) {
        d.onPatch(TwinPatch.builder().put("n", v).version(v).build());
      }
      d.complete();
    });
    stream.set(s);
    return s;
  }

  /** The patches are fed at once and buffered: keep the publishers the TCK asks for small. */
  @Override
  public long maxElementsFromPublisher() {
    return 1_024;
  }

  @Override
  public @Nullable Publisher<TwinPatch> createFailedPublisher() {
    return null; // the stream never fails: the client closing completes it
  }
}
