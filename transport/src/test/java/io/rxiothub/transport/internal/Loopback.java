// A connector for the Reactive Streams TCK: accepts at once, acknowledges every publish at once, and
// tells a hook about each subscription; plus a dialect without an Azure in it.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.rxiothub.transport.ConnectCredentials;
import io.rxiothub.transport.Failures;
import java.util.Random;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** An in-memory connection that answers at once, for tests that need no scripted broker. */
final class Loopback implements MqttConnector {

  private final BiConsumer<String, Listener> onSubscribe;

  /** {@code onSubscribe} hears each SUBSCRIBE, after its SUBACK, with the connection's listener. */
  Loopback(BiConsumer<String, Listener> onSubscribe) {
    this.onSubscribe = onSubscribe;
  }

  @Override
  public Cancellation connect(ConnectRequest request, Listener listener, ConnectCallback callback) {
    callback.connected(new MqttConnection() {
      @Override
      public void publish(String topic, byte[] payload, boolean atMostOnce, boolean more,
          Callback done) {
        done.done(null);
      }

      @Override
      public void subscribe(String filter, Callback done) {
        done.done(null);
        onSubscribe.accept(filter, listener);
      }

      @Override
      public void disconnect(Runnable done) {
        done.run();
      }

      @Override
      public void abort() {}
    });
    return () -> { };
  }

  /** Returns settings of a plain client named "loopback" on {@code scheduler}. */
  static CoreSettings settings(Scheduler scheduler) {
    return settings(scheduler, scheduler);
  }

  /** Returns settings of a plain client named "loopback": signals on {@code callbacks}, timers on {@code time}. */
  static CoreSettings settings(Scheduler callbacks, Scheduler time) {
    return CoreSettings.builder()
        .identity("loopback")
        .credentials(new Credentials())
        .failures(new PlainFailures())
        .backoff(new Backoff(10, 100, new Random(1)))
        .callbackScheduler(callbacks)
        .timeScheduler(time)
        .build();
  }

  /** A client id, a user name and no password. */
  static final class Credentials implements ConnectCredentials {
    @Override
    public String clientId() {
      return "loopback";
    }

    @Override
    public String username() {
      return "user";
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

  /** The transport's failures as plain JDK exceptions. */
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
      return new SecurityException("refused with " + returnCode, cause);
    }

    @Override
    public RuntimeException queueFull(int capacity, String message) {
      return new ArrayStoreException(message);
    }

    @Override
    public RuntimeException timeout(String message) {
      return new IllegalMonitorStateException(message);
    }

    @Override
    public boolean isRefused(Throwable error) {
      return error instanceof SecurityException;
    }

    @Override
    public boolean isFatal(Throwable error) {
      return isRefused(error);
    }

    @Override
    public boolean isCredentialsExpired(Throwable error) {
      return false;
    }

    @Override
    public boolean isOwn(Throwable error) {
      return error instanceof RuntimeException;
    }

    @Override
    public boolean concernsMessageOnly(Throwable error) {
      return error instanceof ArrayStoreException || error instanceof IllegalMonitorStateException;
    }
  }
}
