// A change the data dir's database refuses leaves the hub's memory as it was and fails the call
// (docs/service-api.md §17): registry, twins and C2D queue driven through HubCore with a StateLog that refuses
// (the seam the stores write through; StateDb is the real one).
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.rxjava3.observers.TestObserver;
import io.rxiothub.emulator.CloudToDeviceMessage.State;
import io.rxiothub.emulator.DeviceIdentity;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteBeforeMemoryTest {

  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  /** Refuses every write while {@code refuse} is set or once {@code allowed} writes are done, as a full disk would. */
  private static final class RefusingLog implements StateLog {
    boolean refuse;
    int writes;
    int allowed = Integer.MAX_VALUE;

    private void write() {
      if (refuse || writes >= allowed) {
        throw new IllegalStateException("cannot write to the emulator's database: No space left on device");
      }
      writes++;
    }

    @Override
    public void identity(DeviceIdentity identity, IdentityMeta meta, long order) {
      write();
    }

    @Override
    public void identitiesRemoved(List<Identity> removed) {
      write();
    }

    @Override
    public void twin(Identity identity, String serviceView) {
      write();
    }

    @Override
    public void twinRemoved(Identity identity) {
      write();
    }

    @Override
    public void c2d(C2dEntry entry) {
      write();
    }

    @Override
    public void c2dRemoved(C2dEntry entry) {
      write();
    }

    @Override
    public void policy(String name, String key) {
      write();
    }

    @Override
    public void authority(X509Certificate certificate, boolean registered) {
      write();
    }

    @Override
    public void record(ServiceRecords.Key key, byte[] value) {
      write();
    }

    @Override
    public void recordsRemoved(List<ServiceRecords.Key> keys) {
      write();
    }
  }

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final HubCore core = new HubCore("hub.localhost", Clock.fixed(NOW, ZoneOffset.UTC), timer, 10);
  private final RefusingLog log = new RefusingLog();
  private final Identity dev = new Identity("dev1", null);

  WriteBeforeMemoryTest() {
    core.registry().log(log);
    core.twins().log(log);
    core.c2d().log(log);
    core.records().log(log);
  }

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void aRefusedCreationOrDeletionLeavesTheRegistryAsItWas() {
    log.refuse = true;
    assertThatThrownBy(() -> core.registry().create("dev1", null, null, null))
        .hasMessageContaining("No space left");
    assertThat(core.registry().get(dev)).as("not created").isEmpty();

    log.refuse = false;
    DeviceIdentity created = core.registry().create("dev1", null, null, null);
    core.registry().create("dev1", "mod1", null, null);
    IdentityMeta meta = core.registry().meta(dev);
    log.refuse = true;
    assertThatThrownBy(() -> core.registry().delete(dev)).hasMessageContaining("No space left");
    assertThat(core.registry().get(dev)).as("not deleted").contains(created);
    assertThat(core.registry().get(new Identity("dev1", "mod1"))).as("its module not deleted").isPresent();
    assertThatThrownBy(() -> core.registry().update(dev, null, null, false, "maintenance"))
        .hasMessageContaining("No space left");
    assertThat(core.registry().get(dev).orElseThrow().enabled()).as("not disabled").isTrue();
    assertThat(core.registry().meta(dev)).as("statusReason kept").isEqualTo(meta);
    assertThatThrownBy(() -> core.registry().putPolicy("extra", "a2V5")).hasMessageContaining("No space left");
    assertThat(core.registry().policyKey("extra")).isNull();
  }

  @Test
  void aRefusedTwinPatchLeavesTheTwinAsItWas() {
    core.registry().create("dev1", null, null, null);
    core.updateTwin(dev, "{\"floor\":1}", "{\"mode\":\"eco\"}");
    String before = core.twin(dev);
    log.refuse = true;
    assertThatThrownBy(() -> core.updateTwin(dev, "{\"floor\":2}", "{\"mode\":\"boost\"}"))
        .hasMessageContaining("No space left");
    assertThatThrownBy(() -> core.updateTags(dev, "{\"floor\":3}")).hasMessageContaining("No space left");
    assertThatThrownBy(() -> core.updateDesired(dev, "{\"mode\":\"off\"}")).hasMessageContaining("No space left");
    assertThatThrownBy(() -> core.twins().patchReported(dev, "{\"t\":1}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("No space left");
    assertThat(core.twin(dev)).as("tags, desired, reported and versions unchanged").isEqualTo(before);
    assertThat(core.twinSnapshot(dev).version()).isEqualTo(2);
  }

  @Test
  void aRefusedC2dSendOrPurgeLeavesTheQueueAsItWas() {
    core.registry().create("dev1", null, null, null);
    core.c2d().send(dev, "kept".getBytes(StandardCharsets.UTF_8), Map.of(), Duration.ofHours(1));
    log.refuse = true;
    assertThatThrownBy(() -> core.c2d().send(dev, "refused".getBytes(StandardCharsets.UTF_8), Map.of(),
        Duration.ofHours(1))).hasMessageContaining("No space left");
    assertThatThrownBy(() -> core.c2d().purge(dev)).hasMessageContaining("No space left");
    assertThat(core.c2d().pending()).hasSize(1);
    assertThat(new String(core.c2d().pending().get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("kept");
  }

  @Test
  void aPurgeStoppedByARefusedWriteStillSignalsTheEndOfTheMessagesItPurgedBefore() {
    core.registry().create("dev1", null, null, null);
    C2dEntry purged = core.c2d().send(dev, "purged".getBytes(StandardCharsets.UTF_8), Map.of(),
        Duration.ofHours(1));
    C2dEntry kept = core.c2d().send(dev, "kept".getBytes(StandardCharsets.UTF_8), Map.of(), Duration.ofHours(1));
    TestObserver<State> states = purged.states().test();
    log.allowed = log.writes + 1;

    assertThatThrownBy(() -> core.c2d().purge(dev)).hasMessageContaining("No space left");

    states.assertValues(State.QUEUED, State.EXPIRED).assertComplete();
    assertThat(core.c2d().pending()).containsExactly(kept);
  }
}
