// A subscriber of a C2D message's states that sends another C2D message (the natural reaction to an end or a
// delivery) while the hub purges, deletes, requeues, completes or delivers: against a RecordingBroker (a BrokerLink,
// a seam we own) that acknowledges every publish at once, as a broker with nothing to wait for does.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.emulator.CloudToDeviceMessage.State;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class C2dReentryTest {

  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final long LATER = NOW.plus(Duration.ofHours(1)).getEpochSecond();
  private static final Identity DEV = new Identity("dev1", null);
  private static final Identity OTHER = new Identity("dev2", null);
  private static final String DEVICEBOUND = "devices/dev1/messages/devicebound/#";

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final Publisher publisher = new Publisher(timer, (identity, topic) -> this.sessions.expectsTopic(identity,
      topic));
  private final TelemetryIntake telemetry = new TelemetryIntake(clock, 10);
  private final Sessions sessions = new Sessions(clock, timer, publisher, telemetry, identity -> { });
  private final C2dQueue c2d = new C2dQueue(clock, timer, sessions, publisher);
  /** Whether each subscriber call ran while its thread held the hub's lock. */
  private final List<Boolean> subscriberHeldLock = new CopyOnWriteArrayList<>();
  private final RecordingBroker broker = new RecordingBroker(sessions);

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private C2dEntry send(Identity device, String messageId) {
    return c2d.send(device, messageId.getBytes(StandardCharsets.UTF_8), Map.of("$.mid", messageId),
        Duration.ofMinutes(1));
  }

  /** When {@code entry} reaches {@code state}, sends {@code messageId} to {@code device}; returns what it sent. */
  private List<C2dEntry> onState(C2dEntry entry, State state, Identity device, String messageId) {
    List<C2dEntry> sent = new CopyOnWriteArrayList<>();
    entry.states().filter(s -> s == state).take(1).subscribe(s -> {
      subscriberHeldLock.add(Thread.holdsLock(sessions));
      sent.add(send(device, messageId));
    });
    return sent;
  }

  private void connectAndSubscribe(Identity device, String connectionId) {
    sessions.connected(device, connectionId, false, LATER);
    sessions.subscribed(device, device.deviceboundTopic() + "/#", 1);
    c2d.deliver(device);
  }

  @Test
  void aSubscriberSendingWhenAPurgedMessageExpiresLeavesThePurgeWholeAndItsMessageQueued() {
    C2dEntry m1 = send(DEV, "m1");
    C2dEntry m2 = send(DEV, "m2");
    List<C2dEntry> sent = onState(m1, State.EXPIRED, DEV, "m3");

    assertThat(c2d.purge(DEV)).containsExactly(m1, m2);

    assertThat(m1.state()).isEqualTo(State.EXPIRED);
    assertThat(m2.state()).isEqualTo(State.EXPIRED);
    assertThat(sent).singleElement().extracting(C2dEntry::messageId).isEqualTo("m3");
    assertThat(c2d.pending()).containsExactlyElementsOf(sent);
    assertThat(subscriberHeldLock).containsExactly(false);
  }

  @Test
  void aSubscriberSendingWhenADeletedDevicesMessageExpiresPublishesOutsideTheLock() {
    broker();
    connectAndSubscribe(OTHER, "c1");
    C2dEntry m1 = send(DEV, "m1");
    C2dEntry m2 = send(DEV, "m2");
    onState(m1, State.EXPIRED, OTHER, "m3");

    c2d.removeDevice(DEV);

    assertThat(m1.state()).isEqualTo(State.EXPIRED);
    assertThat(m2.state()).isEqualTo(State.EXPIRED);
    assertThat(broker.bodies).containsExactly("dev2 m3");
    assertThat(broker.heldLock).containsExactly(false);
    assertThat(subscriberHeldLock).containsExactly(false);
  }

  @Test
  void aSubscriberSendingWhenAReplacedConnectionRequeuesItsMessageGetsItsMessageDeliveredOnTheNewOne() {
    broker();
    connectAndSubscribe(DEV, "c1");
    C2dEntry m1 = send(DEV, "m1");
    assertThat(m1.state()).isEqualTo(State.DELIVERED);
    List<C2dEntry> sent = onState(m1, State.QUEUED, DEV, "m3");

    connectAndSubscribe(DEV, "c2"); // a new clean connection replaces c1: m1 goes back to the queue

    assertThat(sent).singleElement().extracting(C2dEntry::state).isEqualTo(State.DELIVERED);
    assertThat(m1.state()).isEqualTo(State.DELIVERED);
    assertThat(broker.bodies).containsExactly("dev1 m1", "dev1 m1", "dev1 m3");
    assertThat(broker.heldLock).containsOnly(false);
    assertThat(subscriberHeldLock).containsExactly(false);
  }

  @Test
  void aSubscriberSendingWhenAMessageCompletesPublishesOutsideTheLock() {
    broker();
    connectAndSubscribe(DEV, "c1");
    C2dEntry m1 = send(DEV, "m1");
    List<C2dEntry> sent = onState(m1, State.COMPLETED, DEV, "m2");
    c2d.outboundPublish(DEV, m1.topic, 1);

    c2d.puback(DEV, 1);

    assertThat(m1.state()).isEqualTo(State.COMPLETED);
    assertThat(sent).singleElement().extracting(C2dEntry::state).isEqualTo(State.DELIVERED);
    assertThat(broker.bodies).containsExactly("dev1 m1", "dev1 m2");
    assertThat(broker.heldLock).containsOnly(false);
    assertThat(subscriberHeldLock).containsExactly(false);
  }

  @Test
  void aSubscriberSendingWhenAMessageExpiresByItsTimePublishesOutsideTheLock() {
    broker();
    connectAndSubscribe(OTHER, "c1");
    CountDownLatch subscribed = new CountDownLatch(1);
    timer.execute(() -> awaitQuietly(subscribed)); // the expiry waits on the timer's one thread until subscribed
    C2dEntry m1 = c2d.send(DEV, new byte[0], Map.of("$.mid", "m1"), Duration.ofMillis(1));
    List<C2dEntry> sent = onState(m1, State.EXPIRED, OTHER, "m2");
    subscribed.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> !sent.isEmpty() && sent.get(0).state() == State.DELIVERED);

    assertThat(broker.bodies).containsExactly("dev2 m2");
    assertThat(broker.heldLock).containsExactly(false);
    assertThat(subscriberHeldLock).containsExactly(false);
  }

  @Test
  void aSubscriberSendingWhenAMessageIsDeliveredGetsItsMessagePublishedAfterTheRestOfTheQueue() {
    broker();
    C2dEntry m1 = send(DEV, "m1");
    C2dEntry m2 = send(DEV, "m2");
    List<C2dEntry> sent = onState(m1, State.DELIVERED, DEV, "m3");

    connectAndSubscribe(DEV, "c1");

    assertThat(broker.bodies).containsExactly("dev1 m1", "dev1 m2", "dev1 m3");
    assertThat(List.of(m1.state(), m2.state(), sent.get(0).state())).containsOnly(State.DELIVERED);
    assertThat(broker.heldLock).containsOnly(false);
    assertThat(subscriberHeldLock).containsExactly(false);
  }

  /**
   * The Will of a connection a newer one replaced reaches telemetry subscribers (user code, on the broker's thread)
   * outside the lock; one that sends a C2D message from it gets it delivered (it stayed queued for the next event).
   */
  @Test
  void aTelemetrySubscriberSendingOnTheWillOfAReplacedConnectionGetsItsMessageDelivered() {
    broker();
    connectAndSubscribe(DEV, "c1");
    connectAndSubscribe(DEV, "c2"); // replaces c1, which the broker closes afterwards, with its Will
    List<C2dEntry> sent = new CopyOnWriteArrayList<>();
    telemetry.stream().subscribe(m -> {
      subscriberHeldLock.add(Thread.holdsLock(sessions));
      sent.add(send(DEV, "m1"));
    });

    sessions.disconnected(DEV, "c1", false, new Will("devices/dev1/messages/events/",
        "gone".getBytes(StandardCharsets.UTF_8), false));

    assertThat(sent).singleElement().extracting(C2dEntry::state).isEqualTo(State.DELIVERED);
    assertThat(broker.bodies).containsExactly("dev1 m1");
    assertThat(subscriberHeldLock).containsExactly(false);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void broker() {
    publisher.attach(broker);
  }
}
