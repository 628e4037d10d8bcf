// JMH microbenchmark of one send through the transport's connection machine: accepted, published,
// acknowledged and signalled, on an in-memory connection that acknowledges at once (no I/O, no thread hop).
package io.rxiothub.benchmarks.jmh;

import io.reactivex.rxjava3.core.CompletableObserver;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.rxiothub.transport.ConnectCredentials;
import io.rxiothub.transport.Failures;
import io.rxiothub.transport.internal.Backoff;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.CoreSettings;
import io.rxiothub.transport.internal.MqttConnector;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost (time, and bytes with {@code -prof gc}) of {@code ClientCore.publish(...).subscribe(...)} up to
 * the observer's {@code onComplete}: the pure machine's events (send accepted, PUBACK), its driver's
 * lock and effects, the outbound batch and the signal queue. The one per-send cost of the Rx face
 * and the machine; the I/O cost is the e2e d2c benchmark's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TransportSendBenchmark {

  private final byte[] payload = new byte[64];
  private ClientCore core;
  private long completed;
  private final CompletableObserver observer = new CompletableObserver() {
    @Override
    public void onSubscribe(Disposable d) { }

    @Override
    public void onComplete() {
      completed++;
    }

    @Override
    public void onError(Throwable e) {
      throw new IllegalStateException("a send failed in the benchmark", e);
    }
  };

  @Setup(Level.Trial)
  public void connect() {
    CoreSettings settings = CoreSettings.builder().identity("bench").credentials(new NoPassword())
        .failures(new PlainFailures()).backoff(new Backoff(10, 100, new Random(1)))
        // CoreSettings refuses a trampoline for timers (it runs them on the caller); this benchmark arms none.
        .callbackScheduler(Schedulers.trampoline()).timeScheduler(Schedulers.single()).build();
    core = new ClientCore(settings, new InstantAcks(), () -> { });
    core.connect().blockingAwait();
  }

  @TearDown(Level.Trial)
  public void close() {
    core.close();
    if (completed == 0) {
      throw new IllegalStateException("no send completed");
    }
  }

  /** One send, from publish to the observer's completion on its PUBACK. */
  @Benchmark
  public void publishAndPuback() {
    core.publish("t/1", payload, false, null).subscribe(observer);
  }

  /** Accepts at once; acknowledges each publish as it is handed over. */
  static final class InstantAcks implements MqttConnector {
    @Override
    public Cancellation connect(ConnectRequest request, Listener listener,
        ConnectCallback callback) {
      callback.connected(new MqttConnection() {
        @Override
        public void publish(String topic, byte[] payload, boolean atMostOnce, boolean more,
            Callback done) {
          done.done(null);
        }

        @Override
        public void subscribe(String filter, Callback done) {
          done.done(null);
        }

        @Override
        public void disconnect(Runnable done) {
          done.run();
        }

        @Override
        public void abort() { }
      });
      return () -> { };
    }
  }

  static final class NoPassword implements ConnectCredentials {
    @Override
    public String clientId() {
      return "bench";
    }

    @Override
    public String username() {
      return "bench";
    }

    @Override
    public byte @Nullable [] password(long nowMillis) {
      return null;
    }

    @Override
    public long renewAtMillis() {
      return -1;
    }

    @Override
    public long expiresAtMillis() {
      return -1;
    }

    @Override
    public RuntimeException expired() {
      return new IllegalStateException("never expires");
    }
  }

  static final class PlainFailures implements Failures {
    @Override
    public RuntimeException clientState(String message) {
      return new IllegalStateException(message);
    }

    @Override
    public RuntimeException connection(String message, @Nullable Throwable cause) {
      return new IllegalStateException(message, cause);
    }

    @Override
    public RuntimeException refused(int returnCode, boolean certificate, Throwable cause) {
      return new IllegalStateException("refused " + returnCode, cause);
    }

    @Override
    public RuntimeException queueFull(int capacity, String message) {
      return new IllegalStateException(message);
    }

    @Override
    public RuntimeException timeout(String message) {
      return new IllegalStateException(message);
    }

    @Override
    public boolean isRefused(Throwable error) {
      return false;
    }

    @Override
    public boolean isFatal(Throwable error) {
      return false;
    }

    @Override
    public boolean isCredentialsExpired(Throwable error) {
      return false;
    }

    @Override
    public boolean isOwn(Throwable error) {
      return error instanceof IllegalStateException;
    }

    @Override
    public boolean concernsMessageOnly(Throwable error) {
      return false;
    }
  }
}
