// Example for Android (API 24+): a service-shaped telemetry sender that uses only classes Android 7.0 has.
package io.rxiothub.examples.android;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.functions.Action;
import io.reactivex.rxjava3.functions.Consumer;
import io.reactivex.rxjava3.functions.Function;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The shape of an Android {@code Service}: {@link #onCreate} connects and starts a telemetry loop, {@link #onDestroy}
 * disposes everything and closes the client. Signals reach the app on {@code mainThread}, the executor an app
 * builds from its main {@code Handler} ({@code handler::post}); nothing here blocks it.
 *
 * <p>Android-safe on purpose: it compiles for Java 8 and the build checks it against the Android API level 24
 * signature (no {@code java.time}, no {@code java.util.Base64}, no lambdas needing desugaring assumptions: plain
 * anonymous classes). The connection string comes from app configuration, never from source code.
 */
public final class TelemetryService {

  /** What the service reports to its UI. */
  public interface Listener {
    void onStatus(String status);

    void onCommand(String command);
  }

  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private final CompositeDisposable disposables = new CompositeDisposable();
  private final String connectionString;
  private final Scheduler mainThread;
  private final Listener listener;
  private DeviceClient client;

  /**
   * @param mainThread an executor that runs tasks on the app's main thread (on Android: {@code handler::post})
   */
  public TelemetryService(String connectionString, Executor mainThread, Listener listener) {
    this.connectionString = connectionString;
    this.mainThread = Schedulers.from(mainThread);
    this.listener = listener;
  }

  /** Connects and sends one reading every {@code periodSeconds}; C2D messages become {@code onCommand} calls. */
  public void onCreate(long periodSeconds) {
    client = DeviceClient.builder()
        .connectionString(connectionString)
        .callbackScheduler(mainThread)                     // every signal arrives on the main thread
        .build();
    final DeviceClient c = client;
    disposables.add(c.connectionStates().subscribe(new Consumer<ConnectionState>() {
      @Override
      public void accept(ConnectionState state) {
        listener.onStatus(state.status().name().toLowerCase(Locale.ROOT));
      }
    }));
    disposables.add(c.cloudMessages().subscribe(new Consumer<CloudMessage>() {
      @Override
      public void accept(CloudMessage message) {
        listener.onCommand(new String(message.payload(), UTF_8));
      }
    }));
    disposables.add(c.connect()
        .andThen(Flowable.interval(0, periodSeconds, TimeUnit.SECONDS)
            .onBackpressureDrop()
            .concatMapCompletable(new Function<Long, Completable>() {
              @Override
              public Completable apply(Long tick) {
                return c.send(Message.builder()
                    .payload(new StringBuilder("{\"tick\":").append(tick).append(",\"battery\":")
                        .append(batteryPercent()).append('}').toString().getBytes(UTF_8))
                    .contentType("application/json")
                    .contentEncoding("utf-8")
                    .build());
              }
            }))
        .subscribe(new Action() {
          @Override
          public void run() {
            listener.onStatus("stopped");
          }
        }, new Consumer<Throwable>() {
          @Override
          public void accept(Throwable error) {
            listener.onStatus(new StringBuilder("failed: ").append(error.getMessage()).toString());
          }
        }));
  }

  /** Stops everything; the client sends DISCONNECT and releases its threads. */
  public void onDestroy() {
    disposables.clear();
    if (client != null) {
      client.close();
      client = null;
    }
  }

  private static int batteryPercent() {
    return 80;                                             // an app would ask BatteryManager
  }
}
