// Twin and direct methods of DeviceClient and ModuleClient against the hub emulator on loopback.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.testing.NoLeaksExtension;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(NoLeaksExtension.class)
class TwinMethodsIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static final AtomicInteger IDS = new AtomicInteger();

  enum Kind { DEVICE, MODULE }

  /** One identity of either kind and its client. */
  static final class Target implements AutoCloseable {
    final DeviceIdentity id;
    final IotHubClient client;
    final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

    Target(Kind kind, String prefix) {
      this(kind, prefix, false);
    }

    Target(Kind kind, String prefix, boolean cleanSession) {
      HubEmulator hub = HUB.hub();
      String deviceId = prefix + "-" + IDS.incrementAndGet();
      DeviceIdentity device = HUB.createDevice(deviceId);
      id = kind == Kind.DEVICE ? device : HUB.createModule(deviceId, "mod1");
      if (kind == Kind.DEVICE) {
        client = DeviceClient.builder().connectionString(id.connectionString())
            .port(hub.mqttPort()).trustStore(hub.trustStore()).reconnectBackoff(50, 500)
            .cleanSession(cleanSession).build();
      } else {
        client = ModuleClient.builder().connectionString(id.connectionString())
            .port(hub.mqttPort()).trustStore(hub.trustStore()).reconnectBackoff(50, 500)
            .cleanSession(cleanSession).build();
      }
    }

    void connect() {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
    }

    Single<Long> updateDesired(String json) {
      String moduleId = id.moduleId();
      return moduleId == null ? HUB.hub().updateDesired(id.deviceId(), json)
          : HUB.hub().updateDesired(id.deviceId(), moduleId, json);
    }

    String serviceTwin() {
      String moduleId = id.moduleId();
      return (moduleId == null ? HUB.hub().twin(id.deviceId())
          : HUB.hub().twin(id.deviceId(), moduleId)).blockingGet();
    }

    MethodResult invoke(String name, @Nullable String json, Duration timeout) {
      String moduleId = id.moduleId();
      return (moduleId == null ? HUB.hub().invokeMethod(id.deviceId(), name, json, timeout)
          : HUB.hub().invokeMethod(id.deviceId(), moduleId, name, json, timeout))
          .blockingGet();
    }

    /** Invokes until the device's method subscription is active (the hub answers 404 before). */
    MethodResult invokeOnceSubscribed(String name, @Nullable String json, Duration timeout) {
      MethodResult[] result = new MethodResult[1];
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
        result[0] = invoke(name, json, timeout);
        return result[0].status() != 404;
      });
      return result[0];
    }

    @Override
    public void close() {
      client.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(60)
  void getsTheTwinAndPatchesReportedProperties(Kind kind) {
    try (Target t = new Target(kind, "twin-rw")) {
      t.connect();
      Twin before = t.client.twin().get().blockingGet();
      assertThat(before.reported().containsKey("battery")).isFalse();

      long version = t.client.twin().updateReported(TwinPatch.builder().put("battery", 61)
          .put("fw", "1.2").build()).blockingGet();
      assertThat(version).isGreaterThan(before.reportedVersion());
      assertThat(t.serviceTwin()).contains("\"battery\":61").contains("\"fw\":\"1.2\"");

      long deleted = t.client.twin().updateReported(TwinPatch.builder().put("fw", null).build())
          .blockingGet();
      Twin after = t.client.twin().get().blockingGet();
      assertThat(after.reportedVersion()).isEqualTo(deleted).isGreaterThan(version);
      assertThat(after.reported().getLong("battery")).isEqualTo(61L);
      assertThat(after.reported().containsKey("fw")).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(60)
  void aPatchTheHubRejectsFailsWithStatus400AndRid(Kind kind) {
    try (Target t = new Target(kind, "twin-400")) {
      t.connect();
      // Each patch is within the limits the client checks; together they break the hub's 32 KB
      // limit of the reported section, which only the hub can see.
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 4000; i++) {
        text.append('x');
      }
      TwinPatch.Builder first = TwinPatch.builder();
      TwinPatch.Builder second = TwinPatch.builder();
      for (int i = 0; i < 7; i++) {
        first.put("a" + i, text.toString());
        second.put("b" + i, text.toString());
      }
      t.client.twin().updateReported(first.build()).blockingGet();
      Throwable error = catchThrowable(() -> t.client.twin().updateReported(second.build())
          .timeout(20, TimeUnit.SECONDS).blockingGet());
      assertThat(error).isInstanceOf(IotHubRequestException.class);
      IotHubRequestException request = (IotHubRequestException) error;
      assertThat(request.status()).isEqualTo(400);
      assertThat(request.requestId()).isNotEmpty();
      assertThat(request.isRetryable()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(60)
  void throttledAndFailingTwinRequestsAreRetriedWithBackoffThenSucceedOrFailWithTheStatus(Kind kind) {
    try (Target t = new Target(kind, "twin-429")) {
      t.connect();
      String moduleId = t.id.moduleId();
      String clientId = moduleId == null ? t.id.deviceId() : t.id.deviceId() + "/" + moduleId;
      long before = t.client.twin().get().blockingGet().reportedVersion();

      HUB.hub().faults().failTwinRequests(clientId, 429, 2);
      long version = t.client.twin().updateReported(TwinPatch.builder().put("battery", 70).build())
          .blockingGet();
      assertThat(version).as("applied once, after two throttled attempts that changed nothing")
          .isEqualTo(before + 1);
      assertThat(t.serviceTwin()).contains("\"battery\":70");

      HUB.hub().faults().failTwinRequests(clientId, 500, 1);
      assertThat(t.client.twin().get().blockingGet().reported().getLong("battery")).isEqualTo(70L);

      HUB.hub().faults().failTwinRequests(clientId, 503, 100);
      Throwable error = catchThrowable(() -> t.client.twin().get().blockingGet());
      assertThat(error).isInstanceOf(IotHubRequestException.class);
      IotHubRequestException failed = (IotHubRequestException) error;
      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.isRetryable()).isTrue();
      assertThat(failed.requestId()).isNotEmpty();
      assertThat(failed.getMessage()).contains("after 4 retries");
      HUB.hub().faults().clear(clientId);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(60)
  void desiredUpdatesArriveInOrderAndChangesMadeOfflineAreEmittedOnceAfterReconnecting(Kind kind) {
    // A clean session: the hub keeps nothing for the offline client, so only the reconciling GET
    // can bring the offline changes.
    try (Target t = new Target(kind, "twin-desired", true)) {
      t.connect();
      TestSubscriber<TwinPatch> updates = t.client.twin().desiredUpdates()
          .doOnNext(p -> t.callbackThreads.add(Thread.currentThread().getName())).test();
      long base = t.client.twin().get().blockingGet().desiredVersion();

      long v1 = t.updateDesired("{\"mode\":\"eco\"}").blockingGet();
      long v2 = t.updateDesired("{\"speed\":3}").blockingGet();
      updates.awaitCount(2);
      assertThat(updates.values()).extracting(TwinPatch::version).containsExactly(v1, v2);
      assertThat(v1).isGreaterThan(base);
      assertThat(updates.values().get(0).properties().getString("mode")).isEqualTo("eco");

      t.client.disconnect().blockingAwait(20, TimeUnit.SECONDS);
      t.updateDesired("{\"mode\":\"boost\"}").blockingGet();
      long v4 = t.updateDesired("{\"speed\":null,\"fan\":true}").blockingGet();
      t.connect();
      updates.awaitCount(3);
      long v5 = t.updateDesired("{\"mode\":\"night\"}").blockingGet();
      updates.awaitCount(4);

      List<TwinPatch> values = updates.values();
      assertThat(values).extracting(TwinPatch::version).containsExactly(v1, v2, v4, v5);
      TwinPatch missed = values.get(2);
      assertThat(missed.properties().getString("mode")).isEqualTo("boost");
      assertThat(missed.properties().getBoolean("fan")).isTrue();
      assertThat(missed.properties().containsKey("speed")).isTrue();
      assertThat(missed.properties().get("speed")).as("deleted while offline").isNull();
      assertThat(missed.properties().containsKey("mode")).isTrue();
      assertThat(t.callbackThreads).allMatch(name -> name.startsWith("rxiothub-callback-"));
      updates.assertNoErrors();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(60)
  void desiredUpdatesFollowedBeforeConnectingArriveOnceConnected(Kind kind) {
    try (Target t = new Target(kind, "twin-early")) {
      TestSubscriber<TwinPatch> updates = t.client.twin().desiredUpdates().test();
      t.connect();
      // No get() of ours: it would feed the stream a baseline by itself. Changes made before the
      // stream's own baseline GET are part of it and not emitted, so change until one is.
      AtomicInteger round = new AtomicInteger();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
        t.updateDesired("{\"round\":" + round.incrementAndGet() + "}").blockingGet();
        return !updates.values().isEmpty();
      });
      long last = t.updateDesired("{\"round\":0}").blockingGet();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> updates.values().get(updates.values().size() - 1).version() == last);
      List<Long> versions = updates.values().stream().map(TwinPatch::version)
          .collect(java.util.stream.Collectors.toList());
      assertThat(versions).isSorted().doesNotHaveDuplicates();
      assertThat(updates.values().get(updates.values().size() - 1).properties().getLong("round"))
          .isZero();
      updates.assertNoErrors();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(60)
  void aDroppedConnectionDoesNotLoseOrRepeatDesiredChanges(Kind kind) {
    try (Target t = new Target(kind, "twin-drop")) {
      t.connect();
      TestSubscriber<TwinPatch> updates = t.client.twin().desiredUpdates().test();
      t.client.twin().get().blockingGet();
      long v1 = t.updateDesired("{\"a\":1}").blockingGet();
      updates.awaitCount(1);

      String moduleId = t.id.moduleId();
      if (moduleId == null) {
        HUB.hub().dropConnection(t.id.deviceId());
      } else {
        HUB.hub().dropConnection(t.id.deviceId(), moduleId);
      }
      long v2 = t.updateDesired("{\"a\":2}").blockingGet();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> t.client.connectionState().status() == ConnectionState.Status.CONNECTED);
      long v3 = t.updateDesired("{\"a\":3}").blockingGet();
      await().atMost(Duration.ofSeconds(20)).until(() -> !updates.values().isEmpty()
          && updates.values().get(updates.values().size() - 1).version() == v3);

      List<Long> versions = updates.values().stream().map(TwinPatch::version)
          .collect(java.util.stream.Collectors.toList());
      assertThat(versions).isSorted().doesNotHaveDuplicates().startsWith(v1).endsWith(v3);
      assertThat(versions).isSubsetOf(v1, v2, v3);
      assertThat(updates.values().get(updates.values().size() - 1).properties().getLong("a"))
          .isEqualTo(3L);
      updates.assertNoErrors();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(60)
  void withAPersistentSessionTheEmittedPatchesRebuildTheDesiredStateAfterADisconnect(Kind kind) {
    try (Target t = new Target(kind, "twin-fold")) {
      t.connect();
      TestSubscriber<TwinPatch> updates = t.client.twin().desiredUpdates().test();
      Twin base = t.client.twin().get().blockingGet();
      t.updateDesired("{\"mode\":\"eco\",\"speed\":1}").blockingGet();
      t.client.disconnect().blockingAwait(20, TimeUnit.SECONDS);
      t.updateDesired("{\"mode\":\"boost\"}").blockingGet();
      long last = t.updateDesired("{\"speed\":null,\"fan\":true}").blockingGet();
      t.connect();
      await().atMost(Duration.ofSeconds(20)).until(() -> !updates.values().isEmpty()
          && updates.values().get(updates.values().size() - 1).version() == last);

      List<Long> versions = updates.values().stream().map(TwinPatch::version)
          .collect(java.util.stream.Collectors.toList());
      assertThat(versions).isSorted().doesNotHaveDuplicates();
      io.rxiothub.twin.TwinCollection state = base.desired();
      for (TwinPatch patch : updates.values()) {
        state = patch.applyTo(state);
      }
      assertThat(state).isEqualTo(t.client.twin().get().blockingGet().desired());
      assertThat(state.getString("mode")).isEqualTo("boost");
      updates.assertNoErrors();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(60)
  void methodRoundTripsSucceedFailAndTimeOut(Kind kind) {
    try (Target t = new Target(kind, "methods")) {
      t.client.methods().handle("echo", request -> {
        t.callbackThreads.add(Thread.currentThread().getName());
        return Single.just(MethodResponse.ofJson(200, "{\"got\":" + request.payloadAsJson()
            + "}"));
      });
      t.client.methods().handle("broken", request -> Single.error(new IllegalStateException("x")));
      t.client.methods().handle("silent", request -> Single.never());
      t.connect();

      MethodResult ok = t.invokeOnceSubscribed("echo", "{\"n\":1}", Duration.ofSeconds(10));
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.payload()).isEqualTo("{\"got\":{\"n\":1}}");
      assertThat(t.callbackThreads).allMatch(name -> name.startsWith("rxiothub-callback-"));

      MethodResult broken = t.invoke("broken", null, Duration.ofSeconds(10));
      assertThat(broken.status()).isEqualTo(500);
      assertThat(broken.payload()).contains("MethodHandlerFailed").contains("broken");

      MethodResult unknown = t.invoke("nope", "{}", Duration.ofSeconds(10));
      assertThat(unknown.status()).isEqualTo(501);
      assertThat(unknown.payload()).contains("MethodNotImplemented");

      MethodResult silent = t.invoke("silent", null, Duration.ofMillis(500));
      assertThat(silent.status()).isEqualTo(504);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(60)
  void theRequestStreamAnswersUnhandledMethods(Kind kind) {
    try (Target t = new Target(kind, "method-stream")) {
      TestObserver<Void> replies = t.client.methods().requests()
          .flatMapCompletable(invocation -> invocation.respond(MethodResponse.ofJson(201,
              "{\"name\":\"" + invocation.request().methodName() + "\"}")))
          .test();
      t.connect();
      MethodResult result = t.invokeOnceSubscribed("anything", null, Duration.ofSeconds(10));
      assertThat(result.status()).isEqualTo(201);
      assertThat(result.payload()).isEqualTo("{\"name\":\"anything\"}");
      replies.assertNoErrors();
    }
  }
}
