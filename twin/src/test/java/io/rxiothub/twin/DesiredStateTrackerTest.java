// Unit tests of the desired-state tracker: version order, gaps, reconnect reconciliation.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class DesiredStateTrackerTest {

  private final DesiredStateTracker tracker = DesiredStateTracker.builder().logId("dev1").build();

  private static Twin twin(long desiredVersion, String desiredJson) {
    return Twin.builder().desired(TwinCollection.parse(desiredJson)).desiredVersion(desiredVersion).reportedVersion(1).build();
  }

  private static TwinPatch patch(long version, String json) {
    return TwinPatch.parse(json).toBuilder().version(version).build();
  }

  @Test
  void startsWithoutBaselineAndTheFirstGetSetsItSilently() {
    assertThat(tracker.isGetRequired()).isTrue();
    assertThat(tracker.version()).isNull();
    DesiredStateTracker.Step step = tracker.onTwin(twin(12, "{\"a\":1}"));
    assertThat(step.updates()).isEmpty();
    assertThat(step.getRequired()).isFalse();
    assertThat(tracker.version()).isEqualTo(12L);
    assertThat(tracker.desired()).isEqualTo(TwinCollection.parse("{\"a\":1}"));
    assertThat(tracker.isGetRequired()).isFalse();
  }

  @Test
  void appliesTheNextVersionAndIgnoresOlderOrEqualOnes() {
    tracker.onTwin(twin(12, "{\"a\":1}"));
    TwinPatch p13 = patch(13, "{\"a\":2,\"route\":null}");
    assertThat(tracker.onDesiredPatch(p13).updates()).containsExactly(p13);
    assertThat(tracker.onDesiredPatch(p13).updates()).as("duplicate").isEmpty();
    assertThat(tracker.onDesiredPatch(patch(5, "{\"a\":0}")).updates()).as("old").isEmpty();
    assertThat(tracker.version()).isEqualTo(13L);
    assertThat(tracker.desired().getLong("a")).isEqualTo(2L);
  }

  @Test
  void notificationsAtOrBelowTheGetVersionAreIgnored() {
    // subscribed first, then GET: notifications racing the GET are buffered
    assertThat(tracker.onDesiredPatch(patch(12, "{\"a\":1}")).updates()).isEmpty();
    assertThat(tracker.onDesiredPatch(patch(13, "{\"b\":1}")).updates()).isEmpty();
    DesiredStateTracker.Step step = tracker.onTwin(twin(12, "{\"a\":1}"));
    assertThat(step.updates()).extracting(TwinPatch::version).containsExactly(13L);
    assertThat(tracker.desired()).isEqualTo(TwinCollection.parse("{\"a\":1,\"b\":1}"));
    assertThat(tracker.bufferedCount()).isZero();
  }

  @Test
  void aGapAsksForOneGetAndTheGetFillsIt() {
    tracker.onTwin(twin(1, "{}"));
    DesiredStateTracker.Step gap = tracker.onDesiredPatch(patch(3, "{\"c\":3}"));
    assertThat(gap.updates()).isEmpty();
    assertThat(gap.getRequired()).isTrue();
    assertThat(tracker.onDesiredPatch(patch(4, "{\"d\":4}")).getRequired()).as("asked once").isFalse();

    DesiredStateTracker.Step reconciled = tracker.onTwin(twin(3, "{\"b\":2,\"c\":3}"));
    assertThat(reconciled.updates()).extracting(TwinPatch::version).containsExactly(3L, 4L);
    assertThat(reconciled.updates().get(0).properties()).isEqualTo(TwinCollection.parse("{\"b\":2,\"c\":3}"));
    assertThat(reconciled.getRequired()).isFalse();
    assertThat(tracker.desired()).isEqualTo(TwinCollection.parse("{\"b\":2,\"c\":3,\"d\":4}"));
  }

  @Test
  void aLateFillerClosesTheGapWithoutAGet() {
    tracker.onTwin(twin(1, "{}"));
    tracker.onDesiredPatch(patch(3, "{\"c\":3}"));
    DesiredStateTracker.Step step = tracker.onDesiredPatch(patch(2, "{\"b\":2}"));
    assertThat(step.updates()).extracting(TwinPatch::version).containsExactly(2L, 3L);
    assertThat(tracker.onTwin(twin(3, "{\"b\":2,\"c\":3}")).updates()).as("same version GET adds nothing").isEmpty();
  }

  @Test
  void reconnectReconcilesWithTheMissedChangesAsOnePatch() {
    tracker.onTwin(twin(12, "{\"keep\":1,\"drop\":2,\"nested\":{\"x\":1,\"y\":2}}"));
    assertThat(tracker.onReconnected().getRequired()).isTrue();
    assertThat(tracker.isGetRequired()).isTrue();
    DesiredStateTracker.Step step = tracker.onTwin(twin(15, "{\"keep\":1,\"nested\":{\"x\":1,\"y\":3},\"new\":true}"));
    assertThat(step.updates()).hasSize(1);
    TwinPatch missed = step.updates().get(0);
    assertThat(missed.version()).isEqualTo(15L);
    assertThat(missed.properties()).isEqualTo(TwinCollection.parse("{\"drop\":null,\"nested\":{\"y\":3},\"new\":true}"));
    assertThat(tracker.isGetRequired()).isFalse();
  }

  @Test
  void anOlderGetAfterANewerNotificationEmitsNothing() {
    tracker.onTwin(twin(12, "{\"a\":1}"));
    tracker.onDesiredPatch(patch(13, "{\"a\":2}"));
    tracker.onReconnected();
    DesiredStateTracker.Step step = tracker.onTwin(twin(12, "{\"a\":1}"));
    assertThat(step.updates()).isEmpty();
    assertThat(tracker.version()).isEqualTo(13L);
    assertThat(tracker.desired().getLong("a")).isEqualTo(2L);
  }

  @Test
  void aGetThatLeavesAGapAsksAgain() {
    tracker.onTwin(twin(1, "{}"));
    tracker.onDesiredPatch(patch(5, "{\"e\":5}"));
    DesiredStateTracker.Step step = tracker.onTwin(twin(2, "{\"b\":2}"));
    assertThat(step.updates()).extracting(TwinPatch::version).containsExactly(2L);
    assertThat(step.getRequired()).isTrue();
    assertThat(tracker.bufferedCount()).isEqualTo(1);
  }

  @Test
  void overflowingTheBufferDropsItAndRelieOnTheGet() {
    DesiredStateTracker small = DesiredStateTracker.builder().maxBuffered(2).build();
    small.onTwin(twin(1, "{}"));
    small.onDesiredPatch(patch(3, "{\"c\":3}"));
    small.onDesiredPatch(patch(4, "{\"d\":4}"));
    small.onDesiredPatch(patch(5, "{\"e\":5}"));
    assertThat(small.bufferedCount()).isZero();
    assertThat(small.isGetRequired()).isTrue();
    DesiredStateTracker.Step step = small.onTwin(twin(5, "{\"c\":3,\"d\":4,\"e\":5}"));
    assertThat(step.updates()).extracting(TwinPatch::version).containsExactly(5L);
  }

  @Test
  void aVersionlessPatchIsRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> tracker.onDesiredPatch(TwinPatch.builder().put("a", 1).build()))
        .withMessageContaining("$version");
    assertThatIllegalArgumentException().isThrownBy(() -> tracker.onTwin(null));
    assertThatIllegalArgumentException().isThrownBy(() -> DesiredStateTracker.builder().maxBuffered(0));
  }
}
