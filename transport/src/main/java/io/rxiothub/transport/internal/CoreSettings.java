// The settings of one client's connection machine, fixed when the client is built, set by name.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.rxiothub.transport.ConnectCredentials;
import io.rxiothub.transport.Failures;
import io.rxiothub.transport.QueuePolicy;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Immutable settings of {@link ClientCore}; see {@link #builder()}. */
public final class CoreSettings {

  /** The default of {@code takeoverWindowMillis}. */
  public static final long DEFAULT_TAKEOVER_WINDOW_MILLIS = 10_000;

  final String identity;
  final ConnectCredentials credentials;
  final Failures failures;
  final int keepAliveSeconds;
  final boolean cleanSession;
  final Backoff backoff;
  final long giveUpMillis;
  final int queueCapacity;
  final QueuePolicy overflowPolicy;
  final Scheduler callbackScheduler;
  final Scheduler timeScheduler;
  final long drainTimeoutMillis;
  final int maxHeldInbound;
  final long takeoverWindowMillis;
  final MqttConnector.@Nullable Will will;

  private CoreSettings(Builder b) {
    this.identity = require(b.identity, "identity");
    this.credentials = require(b.credentials, "credentials");
    this.failures = require(b.failures, "failures");
    this.keepAliveSeconds = b.keepAliveSeconds;
    this.cleanSession = b.cleanSession;
    this.backoff = require(b.backoff, "backoff");
    this.giveUpMillis = b.giveUpMillis;
    this.queueCapacity = b.queueCapacity;
    this.overflowPolicy = b.overflowPolicy;
    this.callbackScheduler = require(b.callbackScheduler, "callbackScheduler");
    this.timeScheduler = require(b.timeScheduler, "timeScheduler");
    this.drainTimeoutMillis = b.drainTimeoutMillis;
    this.maxHeldInbound = b.maxHeldInbound;
    this.takeoverWindowMillis = b.takeoverWindowMillis;
    this.will = b.will;
  }

  /** Returns a builder; identity, credentials, failures, backoff and both schedulers are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the identity's name for log lines and error texts. */
  public String identity() {
    return identity;
  }

  /** Returns the credentials of every CONNECT (the dialect's own type; it may use them for its other requests). */
  public ConnectCredentials credentials() {
    return credentials;
  }

  /** Returns the scheduler user code runs on. */
  public Scheduler callbackScheduler() {
    return callbackScheduler;
  }

  /** Returns the scheduler of timers and of the clock. */
  public Scheduler timeScheduler() {
    return timeScheduler;
  }

  /** Returns the dialect's errors. */
  public Failures failures() {
    return failures;
  }

  /**
   * Returns {@code scheduler} if it can be a client's time scheduler: one that does not run a task on the
   * thread that schedules it. The driver arms its timers and expiries while it holds its lock, in the
   * middle of a transition; such a scheduler ({@code Schedulers.trampoline()}, which also sleeps the
   * caller for the delay) would run a timer inside the transition that armed it, and hold the caller (a
   * user's call, the connection's event loop) for the timer's delay: a whole token lifetime for the
   * renewal. Told by one no-op task due now, disposed at once.
   *
   * @param option the option's name, for the message
   * @throws IllegalArgumentException if {@code scheduler} is null or ran the task on the calling thread
   */
  public static Scheduler checkTimeScheduler(String option, Scheduler scheduler) {
    if (scheduler == null) {
      throw new IllegalArgumentException(option + " must not be null");
    } else if (scheduler instanceof ExecutorScheduler) {
      return scheduler; // the shared rxiothub-timer: tasks run on its thread
    }
    Thread caller = Thread.currentThread();
    boolean[] ranHere = new boolean[1];
    scheduler.scheduleDirect(() -> {
      if (Thread.currentThread() == caller) {
        ranHere[0] = true;
      }
    }, 0, TimeUnit.MILLISECONDS).dispose();
    if (ranHere[0]) {
      throw new IllegalArgumentException(option + " must not run tasks on the calling thread (as "
          + "Schedulers.trampoline() does): the client arms its timers while it holds its lock; use a "
          + "scheduler with threads of its own, or a TestScheduler in tests");
    }
    return scheduler;
  }

  private static <T> T require(@Nullable T value, String name) {
    if (value == null) {
      throw new IllegalStateException("CoreSettings: " + name + " is required");
    }
    return value;
  }

  /** Builds {@link CoreSettings}; each setter names what it sets. */
  public static final class Builder {
    private @Nullable String identity;
    private @Nullable ConnectCredentials credentials;
    private @Nullable Failures failures;
    private int keepAliveSeconds = 230;
    private boolean cleanSession;
    private @Nullable Backoff backoff;
    private long giveUpMillis = 240_000;
    private int queueCapacity = 1000;
    private QueuePolicy overflowPolicy = QueuePolicy.FAIL;
    private @Nullable Scheduler callbackScheduler;
    private @Nullable Scheduler timeScheduler;
    private long drainTimeoutMillis = 10_000;
    private int maxHeldInbound = 1024;
    private long takeoverWindowMillis = DEFAULT_TAKEOVER_WINDOW_MILLIS;
    private MqttConnector.@Nullable Will will;

    private Builder() {}

    /** The identity's name in log lines and error texts (no secret). */
    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    /** The CONNECT credentials. */
    public Builder credentials(ConnectCredentials credentials) {
      this.credentials = credentials;
      return this;
    }

    /** The dialect's errors. */
    public Builder failures(Failures failures) {
      this.failures = failures;
      return this;
    }

    /** The MQTT keep-alive. */
    public Builder keepAliveSeconds(int keepAliveSeconds) {
      this.keepAliveSeconds = keepAliveSeconds;
      return this;
    }

    /** The CONNECT's clean-session flag. */
    public Builder cleanSession(boolean cleanSession) {
      this.cleanSession = cleanSession;
      return this;
    }

    /** The delays between reconnection attempts. */
    public Builder backoff(Backoff backoff) {
      this.backoff = backoff;
      return this;
    }

    /** How long failed attempts in a row go on before the client gives up. */
    public Builder giveUpMillis(long giveUpMillis) {
      this.giveUpMillis = giveUpMillis;
      return this;
    }

    /** The offline queue: its capacity and what a full queue does. */
    public Builder offlineQueue(int capacity, QueuePolicy policy) {
      this.queueCapacity = capacity;
      this.overflowPolicy = policy;
      return this;
    }

    /** Where user code runs. */
    public Builder callbackScheduler(Scheduler callbackScheduler) {
      this.callbackScheduler = callbackScheduler;
      return this;
    }

    /**
     * Where timers run, and the clock.
     *
     * @throws IllegalArgumentException if it runs tasks on the calling thread; see {@link #checkTimeScheduler}
     */
    public Builder timeScheduler(Scheduler timeScheduler) {
      this.timeScheduler = checkTimeScheduler("timeScheduler", timeScheduler);
      return this;
    }

    /** How long a disconnect or renewal waits for outstanding acknowledgements. */
    public Builder drainTimeoutMillis(long drainTimeoutMillis) {
      this.drainTimeoutMillis = drainTimeoutMillis;
      return this;
    }

    /** Inbound messages a route holds unacknowledged while its subscribers have no demand. */
    public Builder maxHeldInbound(int maxHeldInbound) {
      this.maxHeldInbound = maxHeldInbound;
      return this;
    }

    /**
     * How soon after a reconnection a second close by the server counts as a session takeover
     * (0: never).
     */
    public Builder takeoverWindowMillis(long takeoverWindowMillis) {
      this.takeoverWindowMillis = takeoverWindowMillis;
      return this;
    }

    /** The Will sent in every CONNECT, or null (default) for none. */
    public Builder will(MqttConnector.@Nullable Will will) {
      this.will = will;
      return this;
    }

    /**
     * Returns the settings.
     *
     * @throws IllegalStateException if a required setting is missing
     */
    public CoreSettings build() {
      return new CoreSettings(this);
    }
  }
}
