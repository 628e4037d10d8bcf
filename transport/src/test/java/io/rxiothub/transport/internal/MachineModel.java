// The world around the pure connection machine, as a model: it records every effect and checks, as each
// arrives, what the chaos suite checks end to end. MachineWorld adds the events.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.rxiothub.transport.ConnectCredentials;
import io.rxiothub.transport.QueuePolicy;
import io.rxiothub.transport.TransportState.Reason;
import io.rxiothub.transport.TransportState.Status;
import io.rxiothub.transport.internal.Effects.Timer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Plays, for a {@link ConnectionStateMachine}, the connector, the timers and the
 * observers from its effects. Each effect is logged as text ({@link #log}) and checked at once: one
 * attempt or connection at a time, publishes of one connection in send order and each once, a send
 * completes only on its own PUBACK and ends at most once, a waiter ends at most once, a retry waits
 * within the backoff ceiling, the give-up comes after the give-up time, no effect after close but the
 * abort of a late connection.
 */
abstract class MachineModel implements Effects<MachineModel.Msg> {

  static final long START = 1_000_000;
  static final long BACKOFF_INITIAL = 100;
  static final long BACKOFF_MAX = 1_000;
  static final long GIVE_UP = 20_000;
  static final long DRAIN = 5_000;
  static final long RENEW_AFTER = 30_000;
  static final SendSink STREAM = p -> { };

  /** A send as the machine sees it; {@code seq} is the send order. */
  static final class Msg extends Outgoing {
    final int seq;
    int outcomes;
    @Nullable Throwable error;

    Msg(int seq, @Nullable Long expiry, @Nullable SendSink sink) {
      super(expiry, sink);
      this.seq = seq;
    }

    @Override
    public String toString() {
      return "m" + seq;
    }
  }

  /** A connect() or disconnect() observer. */
  static final class Waiter {
    final String name;
    boolean afterClose;
    int outcomes;
    @Nullable Throwable error;

    Waiter(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Credentials that renew RENEW_AFTER after each password, or never, and retry refusals while reconnecting. */
  static final class Credentials implements ConnectCredentials {
    final boolean renews;
    final int refusalsRetried;
    long issuedAt = -1;
    int passwords;

    Credentials(boolean renews, int refusalsRetried) {
      this.renews = renews;
      this.refusalsRetried = refusalsRetried;
    }

    @Override
    public int refusalsRetried() {
      return refusalsRetried;
    }

    @Override
    public String clientId() {
      return "dev1";
    }

    @Override
    public String username() {
      return "user";
    }

    @Override
    public byte[] password(long nowMillis) {
      passwords++;
      issuedAt = nowMillis;
      return new byte[] {1};
    }

    @Override
    public long renewAtMillis() {
      return renews ? issuedAt + RENEW_AFTER : -1;
    }

    @Override
    public long expiresAtMillis() {
      return -1;
    }

    @Override
    public RuntimeException expired() {
      return new IllegalStateException("expired");
    }
  }

  final Backoff ceilings = new Backoff(BACKOFF_INITIAL, BACKOFF_MAX, new Random(1));
  final ConnectionStateMachine<Msg> machine;
  final List<String> log = new ArrayList<>();
  long now = START;

  // The world as the effects made it.
  final List<Msg> messages = new ArrayList<>();
  final List<Waiter> waiters = new ArrayList<>();
  /** Opened attempts, not yet answered, failed or cancelled. */
  final Set<Long> pending = new HashSet<>();
  /** Attempts and connections that ended (cancelled, aborted, failed, lost, disconnected). */
  final Set<Long> ended = new HashSet<>();
  final Map<Long, List<Msg>> publishedOn = new LinkedHashMap<>();
  final Map<Long, List<Msg>> unacked = new HashMap<>();
  /** Connections whose DISCONNECT was asked for and is not done yet. */
  final List<Long> disconnecting = new ArrayList<>();
  final Map<Timer, long[]> timers = new EnumMap<>(Timer.class);
  final Map<Msg, Long> expiries = new LinkedHashMap<>();
  long lastOpened;
  long current;
  Status status = Status.DISCONNECTED;
  @Nullable Reason reason;
  boolean closed;
  int messagesAtClose = Integer.MAX_VALUE;
  /** The event under way: a CONNACK of this attempt, the PUBACK of this message. */
  long connackOf;
  @Nullable Msg pubackOf;
  /** The retry ceiling the event under way allows, or -1 if it may not schedule a retry. */
  long retryCeiling = -1;
  int failuresInRow;
  long firstFailureAt;
  /** Refusals in a row a reconnection retries (the credentials' refusalsRetried). */
  final int refusalsRetried;
  final Credentials credentials;

  MachineModel(int capacity, QueuePolicy policy, boolean renews, int refusalsRetried) {
    this.refusalsRetried = refusalsRetried;
    this.credentials = new Credentials(renews, refusalsRetried);
    CoreSettings settings = CoreSettings.builder().identity("dev1")
        .credentials(credentials).failures(new Loopback.PlainFailures())
        .backoff(new Backoff(BACKOFF_INITIAL, BACKOFF_MAX, new Random(7)))
        .giveUpMillis(GIVE_UP).offlineQueue(capacity, policy).drainTimeoutMillis(DRAIN)
        .callbackScheduler(Schedulers.trampoline()).timeScheduler(new TestScheduler())
        .build();
    machine = new ConnectionStateMachine<>(settings);
  }


  // ---------------------------------------------------------------- effects, checked as they come

  void effect(String text) {
    assertThat(closed).as("an effect after close: %s", text).isFalse();
    log.add(text);
  }

  /** The answer to a call made after close (refused at once) is the one signal allowed after it. */
  private void answer(String text, boolean madeAfterClose) {
    assertThat(closed && !madeAfterClose).as("an effect after close: %s", text).isFalse();
    log.add(text);
  }

  @Override
  public void state(Status newStatus, Reason newReason, @Nullable Throwable error) {
    effect("state " + newStatus + " " + newReason);
    status = newStatus;
    reason = newReason;
    if (newStatus == Status.CONNECTED || newReason == Reason.USER_CONNECT) {
      failuresInRow = 0;
    }
    if (newReason == Reason.RETRY_EXPIRED) {
      assertThat(now - firstFailureAt).as("gave up after").isGreaterThanOrEqualTo(GIVE_UP);
    }
  }

  @Override
  public void open(long connection, MqttConnector.ConnectRequest request) {
    effect("open " + connection);
    assertThat(connection).as("a new id").isGreaterThan(lastOpened);
    if (lastOpened != 0) {
      assertThat(ended).as("the attempt before %s ended", connection).contains(lastOpened);
    }
    lastOpened = connection;
    pending.add(connection);
  }

  @Override
  public void cancelAttempt(long connection) {
    effect("cancel " + connection);
    end(connection);
  }

  @Override
  public void abort(long connection) {
    log.add("abort " + connection); // the one effect allowed after close: a late CONNACK's connection
    assertThat(connection).as("abort only the late CONNACK's connection").isEqualTo(connackOf);
    end(connection);
  }

  @Override
  public void disconnect(long connection) {
    effect("disconnect " + connection);
    assertThat(connection).as("DISCONNECT on the connection").isEqualTo(current);
    disconnecting.add(connection);
    end(connection);
  }

  @Override
  public void connected(long connection) {
    effect("connected " + connection);
    assertThat(connection).as("connected on its CONNACK").isEqualTo(connackOf);
    current = connection;
    publishedOn.put(connection, new ArrayList<>());
    unacked.put(connection, new ArrayList<>());
  }

  @Override
  public void publish(Msg m, long connection) {
    effect("publish " + m + " on " + connection);
    assertThat(connection).as("publish on the connection").isEqualTo(current);
    assertThat(m.outcomes).as("publish of the decided %s", m).isZero();
    assertThat(m.disposed).as("publish of the disposed %s", m).isFalse();
    List<Msg> sent = publishedOn.get(connection);
    if (!sent.isEmpty()) {
      assertThat(m.seq).as("send order on connection %s", connection)
          .isGreaterThan(sent.get(sent.size() - 1).seq);
    }
    sent.add(m);
    unacked.get(connection).add(m);
  }

  @Override
  public void schedule(Timer timer, long id, long atMillis) {
    effect("schedule " + timer + " at +" + (atMillis - now));
    assertThat(atMillis).as("%s in the future", timer).isGreaterThanOrEqualTo(now);
    if (timer == Timer.RETRY) {
      assertThat(retryCeiling).as("a retry only after a failure or a loss").isNotNegative();
      assertThat(atMillis - now).as("retry delay").isLessThanOrEqualTo(retryCeiling);
    }
    timers.put(timer, new long[] {id, atMillis});
  }

  @Override
  public void cancelTimer(Timer timer) {
    effect("cancelTimer " + timer);
    assertThat(timers).as("cancel of a running timer").containsKey(timer);
    timers.remove(timer);
  }

  @Override
  public void expireAt(Msg m, long atMillis) {
    effect("expireAt " + m + " +" + (atMillis - now));
    expiries.put(m, atMillis);
  }

  @Override
  public void complete(Msg m) {
    effect("complete " + m);
    assertThat(pubackOf).as("%s completes on its own PUBACK", m).isSameAs(m);
    decide(m, null);
  }

  @Override
  public void fail(Msg m, Throwable error) {
    answer("fail " + m + " " + error.getClass().getSimpleName(), m.seq >= messagesAtClose);
    decide(m, error);
  }

  @Override
  public void completeWaiter(Object waiter) {
    answer("complete " + waiter, ((Waiter) waiter).afterClose);
    decide((Waiter) waiter, null);
  }

  @Override
  public void failWaiter(Object waiter, Throwable error) {
    answer("fail " + waiter + " " + error.getClass().getSimpleName(), ((Waiter) waiter).afterClose);
    decide((Waiter) waiter, error);
  }

  void end(long connection) {
    pending.remove(connection);
    ended.add(connection);
    if (current == connection) {
      current = 0;
    }
  }

  private void decide(Msg m, @Nullable Throwable error) {
    assertThat(m.outcomes).as("outcomes of %s", m).isZero();
    m.outcomes++;
    m.error = error;
    expiries.remove(m);
  }

  private static void decide(Waiter w, @Nullable Throwable error) {
    assertThat(w.outcomes).as("outcomes of %s", w).isZero();
    w.outcomes++;
    w.error = error;
  }
}
