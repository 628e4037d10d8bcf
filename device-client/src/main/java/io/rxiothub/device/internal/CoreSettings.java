// The settings the connection state machine needs, fixed when the client is built.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.rxiothub.device.OverflowPolicy;
import org.jspecify.annotations.Nullable;

/** Immutable settings of {@link ClientCore}. */
public final class CoreSettings {
  final String deviceId;
  final @Nullable String moduleId;
  final String clientId;
  final String username;
  final Credentials credentials;
  final int keepAliveSeconds;
  final boolean cleanSession;
  final Backoff backoff;
  final long giveUpMillis;
  final int queueCapacity;
  final OverflowPolicy overflowPolicy;
  final Scheduler callbackScheduler;
  final Scheduler timeScheduler;
  final long drainTimeoutMillis;
  final int maxHeldInbound;
  final long takeoverWindowMillis;

  /** The default of {@code takeoverWindowMillis}. */
  public static final long DEFAULT_TAKEOVER_WINDOW_MILLIS = 10_000;

  /** Creates the settings. */
  public CoreSettings(String deviceId, @Nullable String moduleId, String username,
      Credentials credentials, int keepAliveSeconds, boolean cleanSession, Backoff backoff,
      long giveUpMillis, int queueCapacity, OverflowPolicy overflowPolicy,
      Scheduler callbackScheduler, Scheduler timeScheduler, long drainTimeoutMillis,
      int maxHeldInbound) {
    this(deviceId, moduleId, username, credentials, keepAliveSeconds, cleanSession, backoff,
        giveUpMillis, queueCapacity, overflowPolicy, callbackScheduler, timeScheduler,
        drainTimeoutMillis, maxHeldInbound, DEFAULT_TAKEOVER_WINDOW_MILLIS);
  }

  /**
   * Creates the settings; {@code takeoverWindowMillis} is how soon after a reconnection a second
   * close by the hub counts as a session takeover (0: never).
   */
  public CoreSettings(String deviceId, @Nullable String moduleId, String username,
      Credentials credentials, int keepAliveSeconds, boolean cleanSession, Backoff backoff,
      long giveUpMillis, int queueCapacity, OverflowPolicy overflowPolicy,
      Scheduler callbackScheduler, Scheduler timeScheduler, long drainTimeoutMillis,
      int maxHeldInbound, long takeoverWindowMillis) {
    this.takeoverWindowMillis = takeoverWindowMillis;
    this.deviceId = deviceId;
    this.moduleId = moduleId;
    this.clientId = moduleId == null ? deviceId : deviceId + "/" + moduleId;
    this.username = username;
    this.credentials = credentials;
    this.keepAliveSeconds = keepAliveSeconds;
    this.cleanSession = cleanSession;
    this.backoff = backoff;
    this.giveUpMillis = giveUpMillis;
    this.queueCapacity = queueCapacity;
    this.overflowPolicy = overflowPolicy;
    this.callbackScheduler = callbackScheduler;
    this.timeScheduler = timeScheduler;
    this.drainTimeoutMillis = drainTimeoutMillis;
    this.maxHeldInbound = maxHeldInbound;
  }

  /** Returns the device id. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the module id, or null for a device. */
  public @Nullable String moduleId() {
    return moduleId;
  }

  /** Returns the MQTT client id: {@code deviceId} or {@code deviceId/moduleId}. */
  public String clientId() {
    return clientId;
  }

  /** Returns the identity's name for log lines. */
  public String identity() {
    return clientId;
  }
}
