// One chaos run: a device sends a numbered stream (many in flight) and receives C2D and desired updates while
// faults are injected at given points of the stream; then every reliability invariant is checked.
package io.rxiothub.device.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.ConnectionState.Status;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.device.Transport;
import io.rxiothub.emulator.CloudToDeviceMessage;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one device through a fault schedule and checks, afterwards:
 *
 * <ol>
 *   <li>every send completed (accepted), and the hub's telemetry, reduced to the first occurrence of each message
 *       id, is exactly {@code 0, 1, …, n-1} in arrival order (complete, no gap, in order); resends after a
 *       reconnect may add later duplicates, which are counted;
 *   <li>every C2D message the hub queued reached the application with the hub's payload and properties, first
 *       arrivals in the order the hub queued them, and ended COMPLETED in the hub; redeliveries (the hub never got
 *       the PUBACK before the connection ended) are counted;
 *   <li>desired updates reached the application with strictly increasing versions, ending at the hub's last
 *       version, and folding them onto the application's initial twin GET gives exactly the desired properties
 *       the hub holds;
 *   <li>the client reported one CONNECTED per connection the hub accepted, a RECONNECTING between two of them, and
 *       never DISCONNECTED (no give-up) until it was closed;
 *   <li>after close, no socket of the device is left open in the hub's front and the client's streams completed.
 * </ol>
 */
final class ChaosRun {

  private static final Logger LOG = LoggerFactory.getLogger(ChaosRun.class);

  final HubEmulator hub;
  final DeviceIdentity identity;
  final String id;
  final int messages;
  final int window;
  private final Map<Integer, List<Consumer<ChaosRun>>> actions = new TreeMap<>();
  private final List<Consumer<ChaosRun>> beforeChecks = new ArrayList<>();
  private int c2dEvery = 100;
  private int desiredEvery = 100;
  private Consumer<DeviceClient.Builder> options = b -> { };

  final List<ConnectionState> states = new CopyOnWriteArrayList<>();
  private final AtomicIntegerArray outcome;
  private final List<Throwable> sendErrors = new CopyOnWriteArrayList<>();
  private final List<CloudToDeviceMessage> c2dQueued = new ArrayList<>();
  private final Map<String, Object> desiredExpected = new TreeMap<>();
  private long lastDesiredVersion;
  private @Nullable DeviceClient client;
  private @Nullable Twin initialDesired;
  /** Results for the report. */
  int duplicates;
  int c2dDuplicates;
  int reconnects;

  ChaosRun(HubEmulator hub, DeviceIdentity identity, int messages, int window) {
    this.hub = hub;
    this.identity = identity;
    this.id = identity.deviceId();
    this.messages = messages;
    this.window = window;
    this.outcome = new AtomicIntegerArray(messages);
  }

  /** Runs {@code action} just before message {@code seq} is sent. */
  ChaosRun at(int seq, Consumer<ChaosRun> action) {
    actions.computeIfAbsent(seq, k -> new ArrayList<>()).add(action);
    return this;
  }

  /** Runs {@code action} after every send terminated and the client is connected again, before the checks. */
  ChaosRun beforeChecks(Consumer<ChaosRun> action) {
    beforeChecks.add(action);
    return this;
  }

  /** Queues one C2D message and one desired update every {@code every} messages. */
  ChaosRun cloudTrafficEvery(int c2d, int desired) {
    this.c2dEvery = c2d;
    this.desiredEvery = desired;
    return this;
  }

  /** Extra client options. */
  ChaosRun options(Consumer<DeviceClient.Builder> extra) {
    this.options = extra;
    return this;
  }

  DeviceClient client() {
    DeviceClient c = client;
    if (c == null) {
      throw new IllegalStateException("not running");
    }
    return c;
  }

  /** Runs the schedule and checks every invariant; returns this for extra checks by the caller. */
  ChaosRun runAndCheck() throws InterruptedException {
    DeviceClient.Builder builder = DeviceClient.builder()
        .connectionString(identity.connectionString())
        .transport(Transport.MQTT)
        .port(hub.mqttPort())
        .trustStore(hub.trustStore())
        .reconnectBackoff(20, 300)
        .connectTimeoutMillis(2_000)
        .offlineQueue(messages + 100, io.rxiothub.device.OverflowPolicy.FAIL);
    options.accept(builder);
    List<CloudMessage> c2dReceived = new CopyOnWriteArrayList<>();
    List<TwinPatch> desiredReceived = new CopyOnWriteArrayList<>();
    TestSubscriber<CloudMessage> c2dSubscriber;
    TestSubscriber<TwinPatch> desiredSubscriber;
    try (DeviceClient c = builder.build()) {
      client = c;
      Disposable stateWatch = c.connectionStates().subscribe(states::add);
      c2dSubscriber = c.cloudMessages().doOnNext(c2dReceived::add).test();
      desiredSubscriber = c.twin().desiredUpdates().doOnNext(desiredReceived::add).test();
      c.connect().blockingAwait(30, TimeUnit.SECONDS);
      // The application's view of desired properties: a GET, then the updates (README, "Twin").
      initialDesired = c.twin().get().timeout(30, TimeUnit.SECONDS).blockingGet();

      Semaphore inFlight = new Semaphore(window);
      for (int seq = 0; seq < messages; seq++) {
        for (Consumer<ChaosRun> action : actions.getOrDefault(seq, List.of())) {
          action.accept(this);
        }
        if (seq % c2dEvery == c2dEvery / 2) {
          queueC2d(seq);
        }
        if (seq % desiredEvery == 0) {
          updateDesired(seq);
        }
        if (!inFlight.tryAcquire(120, TimeUnit.SECONDS)) {
          throw new AssertionError("no send of " + id + " completed for 120 s at seq " + seq);
        }
        int n = seq;
        Message message = Message.builder()
            .messageId("m-" + n)
            .property("seq", Integer.toString(n))
            .payload(("{\"seq\":" + n + "}").getBytes(StandardCharsets.UTF_8))
            .build();
        c.send(message).subscribe(() -> {
          outcome.set(n, 1);
          inFlight.release();
        }, error -> {
          outcome.set(n, 2);
          sendErrors.add(error);
          inFlight.release();
        });
      }
      assertThat(inFlight.tryAcquire(window, 120, TimeUnit.SECONDS))
          .as("every send of %s terminated", id).isTrue();

      await("C2D messages reach the application").atMost(Duration.ofSeconds(60))
          .until(() -> firstArrivals(c2dReceived).size() >= c2dQueued.size());
      await("desired updates reach the application (expected version " + lastDesiredVersion + ")")
          .atMost(Duration.ofSeconds(60))
          .conditionEvaluationListener(e -> {
            if (e.getRemainingTimeInMS() <= e.getPollInterval().toMillis()) {
              LOG.warn("chaos {}: desired updates received: {}; states: {}", id, desiredReceived, states);
            }
          })
          .until(() -> !desiredReceived.isEmpty()
              && desiredReceived.get(desiredReceived.size() - 1).version() == lastDesiredVersion);
      await("the client is connected").atMost(Duration.ofSeconds(60))
          .until(() -> c.connectionState().status() == Status.CONNECTED);

      for (Consumer<ChaosRun> action : beforeChecks) {
        action.accept(this);
      }
      checkTelemetry();
      checkC2d(c2dReceived);
      checkDesired(desiredReceived);
      checkStates();
      stateWatch.dispose();
    } finally {
      client = null;
    }
    // No leaks: the streams completed on close, and no socket of the device stays open in the hub's front.
    c2dSubscriber.awaitDone(10, TimeUnit.SECONDS).assertComplete();
    desiredSubscriber.awaitDone(10, TimeUnit.SECONDS).assertComplete();
    await("no socket of " + id + " left open").atMost(Duration.ofSeconds(20))
        .until(() -> hub.faults().openConnections(id) == 0 && !hub.isConnected(id));
    LOG.info("chaos {}: {} messages, {} telemetry duplicates, {} C2D duplicates, {} reconnects", id, messages,
        duplicates, c2dDuplicates, reconnects);
    return this;
  }

  private void queueC2d(int seq) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("$.mid", "c-" + seq);
    properties.put("seq", Integer.toString(seq));
    properties.put("odd key", "a&b=c/d%e é");
    c2dQueued.add(hub.sendCloudToDevice(id, ("c2d " + seq).getBytes(StandardCharsets.UTF_8), properties)
        .blockingGet());
  }

  private void updateDesired(int seq) {
    String key = "k" + (seq / desiredEvery) % 7;
    String value = "v" + seq;
    lastDesiredVersion = hub.updateDesired(id, "{\"" + key + "\":\"" + value + "\",\"last\":" + seq + "}")
        .blockingGet();
    desiredExpected.put(key, value);
    desiredExpected.put("last", (long) seq);
  }

  private void checkTelemetry() {
    for (int seq = 0; seq < messages; seq++) {
      if (outcome.get(seq) != 1) {
        throw new AssertionError("send " + seq + " of " + id + " was not accepted; errors: " + sendErrors);
      }
    }
    assertThat(sendErrors).as("send errors of %s", id).isEmpty();
    List<TelemetryMessage> telemetry = hub.telemetry(id);
    List<Integer> first = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    int counted = 0;
    for (TelemetryMessage t : telemetry) {
      String seq = t.applicationProperties().get("seq");
      if (seq == null) {
        continue;
      }
      counted++;
      assertThat(t.systemProperties().get("$.mid")).isEqualTo("m-" + seq);
      if (seen.add(seq)) {
        first.add(Integer.parseInt(seq));
      }
    }
    duplicates = counted - first.size();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      expected.add(i);
    }
    assertThat(first).as("first occurrences of %s's messages, in hub arrival order", id).isEqualTo(expected);
  }

  private Map<String, CloudMessage> firstArrivals(List<CloudMessage> received) {
    Map<String, CloudMessage> first = new LinkedHashMap<>();
    for (CloudMessage m : received) {
      first.putIfAbsent(m.messageId(), m);
    }
    return first;
  }

  private void checkC2d(List<CloudMessage> received) {
    Map<String, CloudMessage> first = firstArrivals(received);
    // A duplicate is a message the application got whose PUBACK the hub had not processed when the connection
    // ended: the hub delivers it again (MQTT QoS 1). Counted and reported, not a failure.
    c2dDuplicates = received.size() - first.size();
    assertThat(first.keySet()).as("C2D first arrivals of %s in queue order", id)
        .containsExactlyElementsOf(c2dQueued.stream().map(CloudToDeviceMessage::messageId).toList());
    for (CloudToDeviceMessage queued : c2dQueued) {
      for (CloudMessage m : received) {
        if (queued.messageId().equals(m.messageId())) {
          assertThat(m.payload()).isEqualTo(queued.payload());
          assertThat(m.properties()).containsAllEntriesOf(queued.properties());
          assertThat(m.applicationProperties()).containsOnlyKeys("seq", "odd key");
        }
      }
      assertThat(queued.state()).isEqualTo(CloudToDeviceMessage.State.COMPLETED);
    }
  }

  private void checkDesired(List<TwinPatch> received) {
    Twin initial = initialDesired;
    assertThat(initial).isNotNull();
    Map<String, Object> folded = new HashMap<>(initial.desired().asMap());
    long previous = initial.desiredVersion();
    for (TwinPatch patch : received) {
      Long version = patch.version();
      assertThat(version).as("desired versions of %s", id).isNotNull().isGreaterThan(previous);
      previous = version;
      for (Map.Entry<String, @Nullable Object> e : patch.properties().asMap().entrySet()) {
        if (e.getValue() == null) {
          folded.remove(e.getKey());
        } else {
          folded.put(e.getKey(), e.getValue() instanceof Number n ? (Object) n.longValue() : e.getValue());
        }
      }
    }
    assertThat(previous).isEqualTo(lastDesiredVersion);
    assertThat(folded).as("desired properties of %s folded from the updates", id)
        .containsExactlyInAnyOrderEntriesOf(desiredExpected);
  }

  private void checkStates() {
    List<Status> statuses = states.stream().map(ConnectionState::status).toList();
    long connected = statuses.stream().filter(s -> s == Status.CONNECTED).count();
    assertThat(connected).as("CONNECTED reports of %s vs connections the hub accepted", id)
        .isEqualTo(hub.faults().acceptedConnections(id));
    assertThat(statuses).as("states of %s", id).doesNotContain(Status.CLOSED).startsWith(Status.DISCONNECTED,
        Status.CONNECTING, Status.CONNECTED);
    assertThat(statuses.subList(1, statuses.size())).as("%s never gave up", id).doesNotContain(Status.DISCONNECTED);
    // Between two CONNECTED reports, a RECONNECTING one.
    Status previous = null;
    for (Status s : statuses) {
      if (s == Status.CONNECTED) {
        assertThat(previous).isIn(Status.CONNECTING, Status.RECONNECTING);
      }
      if (s == Status.RECONNECTING && previous == Status.CONNECTED) {
        reconnects++;
      }
      previous = s;
    }
    assertThat(statuses.get(statuses.size() - 1)).isEqualTo(Status.CONNECTED);
  }
}
