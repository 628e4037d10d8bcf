// jqwik: random event scripts against RegistrationFlow; it ends at most once, never after its deadline, never
// publishes after it ended, and every publish answers the last connect or timer.
package io.rxiothub.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RegistrationFlowProperties {

  enum Type { CONNECTED, LOST, TIMER, RESPONSE }

  static final class Event {
    final Type type;
    final long advance;
    final int status;
    final int retryAfter;
    final int body;
    final int ridOffset;

    Event(Type type, long advance, int status, int retryAfter, int body, int ridOffset) {
      this.type = type;
      this.advance = advance;
      this.status = status;
      this.retryAfter = retryAfter;
      this.body = body;
      this.ridOffset = ridOffset;
    }

    @Override
    public String toString() {
      return type + "+" + advance + (type == Type.RESPONSE ? " " + status + "/ra=" + retryAfter + "/b=" + body
          + "/rid+" + ridOffset : "");
    }
  }

  private static final String[] BODIES = {
      RegistrationFlowTest.ASSIGNING, RegistrationFlowTest.ASSIGNED, "{}", "not json",
      "{\"errorCode\":401002,\"trackingId\":\"t\",\"message\":\"m\"}",
      "{\"operationId\":\"op-1\",\"status\":\"failed\",\"registrationState\":{\"registrationId\":\"d\",\"status\":\"failed\"}}"};

  @Provide
  Arbitrary<List<Event>> scripts() {
    Arbitrary<Event> event = Combinators.combine(Arbitraries.of(Type.class), Arbitraries.longs().between(0, 5_000),
        Arbitraries.of(200, 202, 400, 401, 404, 429, 500, 503), Arbitraries.integers().between(-1, 10),
        Arbitraries.integers().between(0, BODIES.length - 1), Arbitraries.integers().between(-1, 1))
        .as(Event::new);
    return event.list().ofMaxSize(40);
  }

  @Property(tries = 500)
  void endsAtMostOnceAndNothingFollowsTheEnd(@ForAll("scripts") List<Event> script) {
    long timeout = 20_000;
    RegistrationFlow flow = RegistrationFlow.start(RegistrationRequest.of("d", null, null), 0, timeout, 1);
    long now = 0;
    int ends = 0;
    long lastRid = 0;
    for (Event e : script) {
      now += e.advance;
      FlowStep step;
      switch (e.type) {
        case CONNECTED:
          step = flow.connected(now);
          break;
        case LOST:
          step = flow.connectionLost(now);
          break;
        case TIMER:
          step = flow.timer(now);
          break;
        default:
          String topic = "$dps/registrations/res/" + e.status + "/?$rid=" + (lastRid + e.ridOffset)
              + (e.retryAfter >= 0 ? "&retry-after=" + e.retryAfter : "");
          step = flow.response(topic, BODIES[e.body].getBytes(StandardCharsets.UTF_8), now);
      }
      if (ends > 0) {
        assertThat(step.kind()).as("after the end").isEqualTo(FlowStep.Kind.NONE);
      }
      if (step.kind() == FlowStep.Kind.DONE || step.kind() == FlowStep.Kind.FAILED) {
        ends++;
      }
      if (step.kind() == FlowStep.Kind.WAIT) {
        assertThat(step.atMillis()).isGreaterThan(now).isLessThan(flow.deadlineMillis());
      }
      if (step.kind() == FlowStep.Kind.PUBLISH) {
        assertThat(now).isLessThan(flow.deadlineMillis());
        String rid = step.topic().replaceAll(".*\\$rid=(\\d+).*", "$1");
        assertThat(Long.parseLong(rid)).isEqualTo(lastRid + 1);
        lastRid = Long.parseLong(rid);
      }
      if (now >= flow.deadlineMillis() && ends == 0) {
        assertThat(flow.timer(now).kind()).isEqualTo(FlowStep.Kind.FAILED);
        ends++;
      }
    }
    assertThat(ends).isLessThanOrEqualTo(1);
    assertThat(flow.isEnded()).isEqualTo(ends == 1);
  }

  @Property
  void responseTopicRoundTrips(@ForAll("statuses") int status, @ForAll("rids") String rid,
      @ForAll("retryAfters") long retryAfter) {
    DpsResponseTopic topic = DpsResponseTopic.of(status, rid, retryAfter);
    assertThat(DpsResponseTopic.parse(topic.format())).isEqualTo(topic);
  }

  @Provide
  Arbitrary<Integer> statuses() {
    return Arbitraries.integers().between(100, 999);
  }

  @Provide
  Arbitrary<String> rids() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(40);
  }

  @Provide
  Arbitrary<Long> retryAfters() {
    return Arbitraries.longs().between(-1, 999_999_999L);
  }

  @Property
  void retryAfterIsClamped(@ForAll long seconds) {
    long millis = RegistrationFlow.clampRetryAfter(seconds);
    assertThat(millis).isBetween(RegistrationFlow.MIN_RETRY_AFTER_MILLIS, RegistrationFlow.MAX_RETRY_AFTER_MILLIS);
    if (seconds < 0) {
      assertThat(millis).isEqualTo(RegistrationFlow.DEFAULT_RETRY_AFTER_MILLIS);
    }
  }
}
