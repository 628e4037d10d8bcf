// The settings the state-machine tests share: a device on a TestScheduler, named instead of positional.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Scheduler;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.transport.internal.Backoff;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.CoreSettings;
import java.util.Random;

/** Core settings of the unit tests, and the core's states as DeviceClient reports them. */
public final class TestCores {

  /** A device key of the tests (not a secret of any hub). */
  public static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  private TestCores() {}

  /**
   * Returns settings of {@code cs} with user name "user", tokens of {@code ttlSeconds}, keep-alive
   * 230 s, backoff 1 s to 8 s (seeded), give-up 60 s, a queue of 100 (FAIL), drain 5 s, 16 held
   * inbound messages, all on {@code scheduler}.
   */
  public static CoreSettings.Builder settings(ConnectionString cs, long ttlSeconds,
      Scheduler scheduler) {
    return CoreSettings.builder()
        .identity(cs.isModule() ? cs.deviceId() + "/" + cs.moduleId() : cs.deviceId())
        .credentials(Credentials.of(cs, "user", ttlSeconds, 0.15))
        .failures(AzureFailures.INSTANCE)
        .keepAliveSeconds(230)
        .cleanSession(false)
        .backoff(new Backoff(1000, 8000, new Random(7)))
        .giveUpMillis(60_000)
        .offlineQueue(100, io.rxiothub.transport.QueuePolicy.FAIL)
        .callbackScheduler(scheduler)
        .timeScheduler(scheduler)
        .drainTimeoutMillis(5_000)
        .maxHeldInbound(16);
  }

  /** Returns the states of {@code core} as {@code DeviceClient.connectionStates()} emits them. */
  public static Observable<ConnectionState> states(ClientCore core) {
    return core.connectionStates().map(ConnectionStates::toPublic);
  }

  /** Returns the current state of {@code core} as {@code DeviceClient.connectionState()} does. */
  public static ConnectionState state(ClientCore core) {
    return ConnectionStates.toPublic(core.currentState());
  }
}
