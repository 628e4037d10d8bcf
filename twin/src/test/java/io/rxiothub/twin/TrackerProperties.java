// Properties of the desired-state tracker against a simulated hub with lost, duplicated and reordered messages.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TrackerProperties {

  private static final long FIRST = 5;

  @Property(tries = 500)
  void neverEmitsAnOlderVersionAfterANewerAndConvergesToTheHub(
      @ForAll("hubPatches") List<TwinCollection> hubPatches,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 99) Integer> script,
      @ForAll long seed) {
    Random random = new Random(seed);
    // hub documents by version: docs.get(i) is the desired state at version FIRST + i
    List<TwinCollection> docs = new ArrayList<>();
    docs.add(TwinCollection.empty());
    for (TwinCollection p : hubPatches) {
      docs.add(docs.get(docs.size() - 1).merge(p));
    }
    DesiredStateTracker tracker = DesiredStateTracker.builder().maxBuffered(8).build();
    int published = 0;
    boolean connected = true;
    Emitted emitted = new Emitted();

    for (int code : script) {
      DesiredStateTracker.Step step = null;
      if (code < 50) {
        if (published < hubPatches.size()) {
          published++;
          if (connected) {
            step = tracker.onDesiredPatch(notification(hubPatches, published));
          }
        }
      } else if (code < 65) {
        if (published > 0 && connected) {
          step = tracker.onDesiredPatch(notification(hubPatches, 1 + random.nextInt(published)));
        }
      } else if (code < 75) {
        connected = false;
      } else if (code < 85) {
        connected = true;
        step = tracker.onReconnected();
        assertThat(step.getRequired()).isTrue();
      } else {
        int at = random.nextInt(published + 1);
        step = tracker.onTwin(twinAt(docs, at));
      }
      if (step != null) {
        emitted.accept(step, tracker);
      }
      if (tracker.version() != null) {
        int index = (int) (tracker.version() - FIRST);
        assertThat(tracker.desired()).as("state at version %s matches the hub", tracker.version()).isEqualTo(docs.get(index));
      }
    }
    emitted.accept(tracker.onTwin(twinAt(docs, published)), tracker);
    assertThat(tracker.version()).isEqualTo(FIRST + published);
    assertThat(tracker.desired()).isEqualTo(docs.get(published));
    assertThat(tracker.isGetRequired()).isFalse();
    assertThat(tracker.bufferedCount()).isZero();
  }

  /** Checks the stream the user sees: versions strictly increase, replay gives the tracker's state. */
  static final class Emitted {
    long last = Long.MIN_VALUE;
    TwinCollection view;

    void accept(DesiredStateTracker.Step step, DesiredStateTracker tracker) {
      for (TwinPatch p : step.updates()) {
        assertThat(p.version()).as("emitted version").isGreaterThan(last);
        last = p.version();
        view = view == null ? null : p.applyTo(view);
      }
      if (view == null && tracker.version() != null) {
        view = tracker.desired();
        last = Math.max(last, tracker.version());
      }
      if (view != null) {
        assertThat(view).as("replaying emitted patches gives the tracker state").isEqualTo(tracker.desired());
      }
    }
  }

  private static TwinPatch notification(List<TwinCollection> hubPatches, int n) {
    return TwinPatch.builder().properties(hubPatches.get(n - 1)).version(FIRST + n).build();
  }

  private static Twin twinAt(List<TwinCollection> docs, int index) {
    return Twin.builder().desired(docs.get(index)).desiredVersion(FIRST + index).reportedVersion(1).build();
  }

  @Provide
  Arbitrary<List<TwinCollection>> hubPatches() {
    return TwinArbitraries.collections(2, true).list().ofMaxSize(15);
  }
}
