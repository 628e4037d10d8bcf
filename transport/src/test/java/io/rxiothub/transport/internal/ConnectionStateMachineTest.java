// The named transitions of the pure connection machine, event by event, with the exact effects they cause.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.transport.QueuePolicy;
import io.rxiothub.transport.TransportState.Reason;
import io.rxiothub.transport.TransportState.Status;
import io.rxiothub.transport.internal.MachineModel.Msg;
import io.rxiothub.transport.internal.MachineModel.Waiter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionStateMachineTest {

  private MachineWorld world = new MachineWorld();

  /** Returns the effects that {@code event} caused, in order. */
  private List<String> effectsOf(Runnable event) {
    int before = world.log.size();
    event.run();
    return new ArrayList<>(world.log.subList(before, world.log.size()));
  }

  private void connected() {
    world.connect();
    world.accept();
  }

  @Test
  void connectOpensAnAttemptAndItsConnackConnectsThenQueuedSendsGoOutInOrder() {
    assertThat(effectsOf(world::connect)).containsExactly("state CONNECTING USER_CONNECT", "open 1");
    world.send(null, false);
    world.send(null, false);
    assertThat(effectsOf(world::accept)).containsExactly("state CONNECTED CONNECTION_OK",
        "connected 1", "publish m0 on 1", "publish m1 on 1", "complete connect0");
    assertThat(effectsOf(() -> world.ack(null))).containsExactly("complete m0");
    assertThat(world.status).isEqualTo(Status.CONNECTED);
  }

  @Test
  void aSendWhileConnectedIsPublishedAtOnceAndCompletesOnItsPuback() {
    connected();
    assertThat(effectsOf(() -> world.send(null, false))).containsExactly("publish m0 on 1");
    assertThat(effectsOf(() -> world.ack(new java.io.IOException("write")))).hasSize(1)
        .allMatch(e -> e.startsWith("fail m0 IllegalStateException"));
  }

  @Test
  void theInFlightWindowHoldsBackFurtherSendsUntilAPubackMakesRoom() {
    connected();
    for (int i = 0; i < Outbox.MAX_IN_FLIGHT; i++) {
      world.send(null, false);
    }
    assertThat(world.publishedOn.get(1L)).hasSize(Outbox.MAX_IN_FLIGHT);
    int last = Outbox.MAX_IN_FLIGHT;
    assertThat(effectsOf(() -> world.send(null, false))).as("the window is full").isEmpty();
    world.send(null, false);
    assertThat(effectsOf(() -> world.ack(null))).containsExactly("complete m0",
        "publish m" + last + " on 1");
    assertThat(effectsOf(() -> world.ack(null))).containsExactly("complete m1",
        "publish m" + (last + 1) + " on 1");
    assertThat(effectsOf(() -> world.ack(null))).as("nothing queued: the PUBACK alone")
        .containsExactly("complete m2");
  }

  @Test
  void aLostConnectionSchedulesARetryAndTheNextConnectionResendsWhatWasInFlightFirst() {
    connected();
    world.send(null, false);
    world.send(null, false);
    world.ack(null);
    assertThat(effectsOf(() -> world.lose(false))).hasSize(2)
        .first().isEqualTo("state RECONNECTING NETWORK_LOST");
    assertThat(world.log.get(world.log.size() - 1)).startsWith("schedule RETRY");
    world.send(null, false);
    assertThat(effectsOf(() -> world.advance(MachineWorld.BACKOFF_INITIAL)))
        .containsExactly("open 2");
    assertThat(effectsOf(world::accept)).containsExactly("state CONNECTED CONNECTION_OK",
        "connected 2", "publish m1 on 2", "publish m2 on 2");
  }

  @Test
  void aRefusedAttemptEndsTheWishToConnectAndFailsEverySendAndWaiter() {
    Waiter connect = world.connect();
    Msg m = world.send(null, false);
    assertThat(effectsOf(() -> world.failAttempt(true))).containsExactly(
        "fail m0 SecurityException", "fail connect0 SecurityException",
        "state DISCONNECTED REFUSED");
    assertThat(connect.error).hasMessage("refused");
    assertThat(m.error).isSameAs(connect.error);
    assertThat(effectsOf(() -> world.advance(60_000))).isEmpty();
  }

  @Test
  void aRefusedReconnectIsRetriedWithBackoffWhenTheCredentialsSaySoAndTheRetryAsksForANewPassword() {
    world = new MachineWorld(100, QueuePolicy.FAIL, false, 2);
    connected();
    world.send(null, false);
    world.lose(false);
    world.advance(MachineWorld.BACKOFF_MAX);
    int passwords = world.credentials.passwords;
    List<String> refused = effectsOf(() -> world.failAttempt(true));
    assertThat(refused).hasSize(2).first().isEqualTo("state RECONNECTING REFUSED");
    assertThat(refused.get(1)).startsWith("schedule RETRY at +");
    assertThat(effectsOf(() -> world.advance(MachineWorld.BACKOFF_MAX))).containsExactly("open 3");
    assertThat(world.credentials.passwords).as("asked for a new password").isEqualTo(passwords + 1);
    assertThat(effectsOf(world::accept)).containsExactly("state CONNECTED CONNECTION_OK", "connected 3",
        "publish m0 on 3");
  }

  @Test
  void refusedReconnectsEndTheWishToConnectOnceTheCredentialsRetriedRefusalsAreSpent() {
    world = new MachineWorld(100, QueuePolicy.FAIL, false, 2);
    connected();
    Msg m = world.send(null, false);
    world.lose(false);
    for (int i = 0; i < 2; i++) {
      world.advance(MachineWorld.BACKOFF_MAX);
      world.failAttempt(true);
      assertThat(world.status).as("refusal %s retried", i + 1).isEqualTo(Status.RECONNECTING);
    }
    world.advance(MachineWorld.BACKOFF_MAX);
    assertThat(effectsOf(() -> world.failAttempt(true))).containsExactly("fail m0 SecurityException",
        "state DISCONNECTED REFUSED");
    assertThat(m.error).hasMessage("refused");
    assertThat(effectsOf(() -> world.advance(60_000))).isEmpty();
  }

  @Test
  void theFirstConnectReportsARefusalAtOnceEvenWhenTheCredentialsRetryRefusedReconnects() {
    world = new MachineWorld(100, QueuePolicy.FAIL, false, 2);
    Waiter connect = world.connect();
    assertThat(effectsOf(() -> world.failAttempt(true))).containsExactly("fail connect0 SecurityException",
        "state DISCONNECTED REFUSED");
    assertThat(connect.error).hasMessage("refused");
  }

  @Test
  void failedAttemptsRetryWithinTheBackoffAndGiveUpAfterTheGiveUpTime() {
    world.connect();
    for (int i = 0; world.reason != Reason.RETRY_EXPIRED; i++) {
      assertThat(i).as("attempts").isLessThan(1_000);
      world.failAttempt(false);
      world.advance(MachineWorld.BACKOFF_MAX);
    }
    assertThat(world.now - world.firstFailureAt).isGreaterThanOrEqualTo(MachineWorld.GIVE_UP);
    assertThat(world.status).isEqualTo(Status.DISCONNECTED);
    assertThat(world.waiters.get(0).error).hasMessageStartingWith("Gave up connecting dev1 after");
  }

  @Test
  void theServerClosingFreshConnectionsThreeTimesInARowIsATakeover() {
    connected();
    world.lose(true);
    for (int i = 0; i < 2; i++) {
      world.advance(MachineWorld.BACKOFF_INITIAL);
      world.accept();
      world.advance(1_000);
      world.lose(true);
    }
    assertThat(world.reason).isEqualTo(Reason.TAKEN_OVER);
    assertThat(world.status).isEqualTo(Status.DISCONNECTED);
    assertThat(effectsOf(() -> world.advance(60_000))).isEmpty();
  }

  @Test
  void renewalDrainsThenDisconnectsAndReconnectsOnceTheDisconnectIsDone() {
    world = new MachineWorld(100, QueuePolicy.FAIL, true);
    connected();
    world.send(null, false);
    assertThat(effectsOf(() -> world.advance(MachineWorld.RENEW_AFTER)))
        .containsExactly("schedule DRAIN at +" + MachineWorld.DRAIN);
    world.send(null, false);
    assertThat(world.publishedOn.get(1L)).as("nothing new goes out while draining").hasSize(1);
    assertThat(effectsOf(() -> world.ack(null))).containsExactly("complete m0",
        "cancelTimer DRAIN", "state RECONNECTING TOKEN_RENEWAL", "disconnect 1");
    assertThat(effectsOf(world::disconnectDone)).containsExactly("open 2");
    assertThat(effectsOf(world::accept)).contains("publish m1 on 2");
  }

  @Test
  void disconnectWaitsForPubacksAtMostTheDrainTimeThenFailsWhatIsLeft() {
    connected();
    Msg m = world.send(null, false);
    Waiter disconnect = world.disconnect();
    assertThat(world.log.get(world.log.size() - 1)).isEqualTo("schedule DRAIN at +5000");
    assertThat(effectsOf(() -> world.advance(MachineWorld.DRAIN))).containsExactly(
        "fail m0 IllegalStateException", "state DISCONNECTED USER_DISCONNECT", "disconnect 1");
    assertThat(m.error).hasMessageContaining("may or may not have reached the hub");
    assertThat(disconnect.outcomes).as("completes when the DISCONNECT is done").isZero();
    assertThat(effectsOf(world::disconnectDone)).containsExactly("complete disconnect1");
  }

  @Test
  void closeFailsEverythingSendsDisconnectAndIgnoresWhatComesLater() {
    connected();
    world.send(null, false);
    world.send(null, false);
    world.ack(null);
    assertThat(effectsOf(world::close)).containsExactly("fail m1 IllegalStateException",
        "disconnect 1", "state CLOSED USER_CLOSE");
    assertThat(effectsOf(world::ackLate)).isEmpty();
    assertThat(effectsOf(world::disconnectDone)).isEmpty();
  }

  @Test
  void aConnackForACancelledAttemptAbortsItsConnection() {
    Waiter connect = world.connect();
    world.cancelConnect();
    assertThat(world.log).contains("cancel 1", "state DISCONNECTED USER_DISCONNECT");
    assertThat(connect.outcomes).as("a disposed connect() hears nothing").isEqualTo(-1);
    assertThat(effectsOf(world::acceptLate)).containsExactly("abort 1");
  }

  @Test
  void aFullOfflineQueueRefusesOrDropsTheOldestByPolicy() {
    world = new MachineWorld(2, QueuePolicy.FAIL, false);
    world.connect();
    world.send(null, false);
    world.send(null, false);
    assertThat(effectsOf(() -> world.send(null, false))).hasSize(1)
        .allMatch(e -> e.equals("fail m2 ArrayStoreException"));
    assertThat(effectsOf(() -> world.send(null, true))).as("a stream's send is bounded by its window")
        .isEmpty();

    world = new MachineWorld(2, QueuePolicy.DROP_OLDEST, false);
    world.connect();
    world.send(null, false);
    world.send(null, false);
    assertThat(effectsOf(() -> world.send(null, false))).containsExactly("fail m0 ArrayStoreException");
    assertThat(effectsOf(world::accept)).contains("publish m1 on 1", "publish m2 on 1");
  }

  @Test
  void aMessageExpiresInTheQueueOrInFlightAndIsNotSentAgain() {
    world.connect();
    Msg queued = world.send(1_000L, false);
    assertThat(effectsOf(() -> world.advance(1_000))).containsExactly(
        "fail m0 IllegalMonitorStateException");
    assertThat(queued.error).hasMessageContaining("while waiting in the offline queue");
    world.accept();
    Msg sent = world.send(1_000L, false);
    assertThat(world.log).contains("publish m1 on 1");
    world.advance(1_000);
    assertThat(sent.error).hasMessageContaining("before its PUBACK arrived");
    world.lose(false);
    world.advance(MachineWorld.BACKOFF_INITIAL);
    assertThat(effectsOf(world::accept)).doesNotContain("publish m1 on 2");
  }

  @Test
  void aMessageAlreadyExpiredWhenSubmittedFailsAtOnceUnsentConnectedOrNot() {
    world.connect();
    assertThat(effectsOf(() -> world.send(0L, false))).as("while connecting")
        .containsExactly("fail m0 IllegalMonitorStateException");
    world.accept();
    assertThat(effectsOf(() -> world.send(-1L, false))).as("while connected")
        .containsExactly("fail m1 IllegalMonitorStateException");
    assertThat(world.messages.get(1).error).hasMessageContaining("before it was sent")
        .hasMessageContaining("it was not sent");
    assertThat(effectsOf(() -> world.send(1L, false))).as("not yet expired")
        .containsExactly("expireAt m2 +1", "publish m2 on 1");
  }
}
