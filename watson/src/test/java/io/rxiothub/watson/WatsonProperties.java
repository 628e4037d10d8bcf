// jqwik properties: topics and client ids round-trip, filters match what they were built from, reqIds complete once.
package io.rxiothub.watson;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class WatsonProperties {

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.strings().withChars("abcXYZ019-_.").ofMinLength(1).ofMaxLength(36);
  }

  @Provide
  Arbitrary<String> orgs() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofLength(6);
  }

  @Property
  void eventAndCommandTopicsRoundTrip(@ForAll("ids") String t, @ForAll("ids") String d, @ForAll("ids") String e,
      @ForAll("ids") String f) {
    WatsonTopic event = WatsonTopic.event(t, d, e, f);
    WatsonTopic command = WatsonTopic.command(t, d, e, f);
    assertThat(WatsonTopic.parse(event.toString())).isEqualTo(event);
    assertThat(WatsonTopic.parse(command.toString())).isEqualTo(command);
    assertThat(WatsonTopic.commandFilter(t, "+", "+", f).matches(command.toString())).isTrue();
    assertThat(WatsonTopic.commandFilter(t, "+", "+", f).matches(event.toString())).isFalse();
  }

  @Property
  void filtersRoundTripAndMatchOnlyTheirOwnLevels(@ForAll("ids") String t, @ForAll("ids") String d,
      @ForAll("ids") String other) {
    WatsonTopic filter = WatsonTopic.parseFilter("iot-2/type/" + t + "/id/+/cmd/+/fmt/+");
    assertThat(WatsonTopic.parseFilter(filter.toString())).isEqualTo(filter);
    assertThat(filter.matches(WatsonTopic.command(t, d, "c", "json").toString())).isTrue();
    assertThat(filter.matches(WatsonTopic.command(other, d, "c", "json").toString())).isEqualTo(other.equals(t));
  }

  @Property
  void clientIdsRoundTrip(@ForAll("orgs") String org, @ForAll("ids") String t, @ForAll("ids") String d) {
    for (ClientId id : List.of(ClientId.gateway(org, t, d), ClientId.device(org, t, d),
        ClientId.application(org, d, false), ClientId.application(org, t, true))) {
      assertThat(ClientId.parse(id.toString())).isEqualTo(id);
    }
  }

  @Property
  void dmTopicsRoundTripForEveryOperation(@ForAll("ids") String t, @ForAll("ids") String d) {
    for (DmOperation op : DmOperation.values()) {
      WatsonTopic topic = op.topic(t, d);
      assertThat(DmOperation.of(WatsonTopic.parse(topic.toString()))).isEqualTo(op);
    }
  }

  @Property
  void everyReqIdIsUniqueAndCompletesAtMostOnce(@ForAll @IntRange(min = 1, max = 200) int n,
      @ForAll @IntRange(min = 0, max = 3) int completions) {
    ReqIdCorrelator<Integer> correlator = new ReqIdCorrelator<>("p");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(correlator.register(i, 0, 1_000));
    }
    assertThat(ids).hasSize(n);
    int completed = 0;
    for (String id : ids) {
      for (int k = 0; k < completions; k++) {
        if (correlator.complete(id) != null) {
          completed++;
        }
      }
    }
    assertThat(completed).isEqualTo(completions == 0 ? 0 : n);
    assertThat(correlator.expire(Long.MAX_VALUE)).hasSize(completions == 0 ? n : 0);
    assertThat(correlator.pendingCount()).isZero();
  }
}
