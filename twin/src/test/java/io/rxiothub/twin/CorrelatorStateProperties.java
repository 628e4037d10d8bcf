// Stateful jqwik test of the correlator against a model: any interleaving completes each $rid at most once.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

class CorrelatorStateProperties {

  static final long TIMEOUT = 100;

  /** The system under test plus a model of what each request should have seen. */
  static final class Model {
    final TwinRequestCorrelator correlator = TwinRequestCorrelator.builder().timeoutMillis(TIMEOUT).build();
    final Map<String, RecordingListener> listeners = new LinkedHashMap<>();
    final Map<String, Long> pendingDeadlines = new LinkedHashMap<>();
    final Map<String, Integer> expectedStatus = new LinkedHashMap<>();
    final Set<String> timedOut = new HashSet<>();
    final Set<String> cancelled = new HashSet<>();
    long now;

    List<String> pending() {
      return new ArrayList<>(pendingDeadlines.keySet());
    }

    List<String> finished() {
      List<String> out = new ArrayList<>(listeners.keySet());
      out.removeAll(pendingDeadlines.keySet());
      return out;
    }

    void checkInvariants() {
      assertThat(correlator.pendingCount()).isEqualTo(pendingDeadlines.size());
      Long min = pendingDeadlines.values().stream().min(Long::compare).orElse(null);
      assertThat(correlator.nextDeadlineMillis()).isEqualTo(min);
      for (Map.Entry<String, RecordingListener> e : listeners.entrySet()) {
        String rid = e.getKey();
        RecordingListener l = e.getValue();
        assertThat(l.outcomes()).as("$rid %s completes at most once", rid).isLessThanOrEqualTo(1);
        if (pendingDeadlines.containsKey(rid) || cancelled.contains(rid)) {
          assertThat(l.outcomes()).as("$rid %s pending or cancelled has no outcome", rid).isZero();
        }
        if (timedOut.contains(rid)) {
          assertThat(l.timeouts).hasSize(1);
          assertThat(l.timeouts.get(0).rid()).isEqualTo(rid);
        }
        if (expectedStatus.containsKey(rid)) {
          assertThat(l.responses).hasSize(1);
          assertThat(l.responses.get(0).status()).isEqualTo(expectedStatus.get(rid));
          assertThat(l.responses.get(0).rid()).isEqualTo(rid);
        }
        assertThat(correlator.isPending(rid)).isEqualTo(pendingDeadlines.containsKey(rid));
      }
    }
  }

  @Property(tries = 200)
  void anyInterleavingCompletesEachRequestAtMostOnce(@ForAll("chains") ActionChain<Model> chain) {
    chain.withInvariant("model agrees", Model::checkInvariants).run();
  }

  @Provide
  Arbitrary<ActionChain<Model>> chains() {
    return ActionChain.<Model>startWith(Model::new)
        .withAction(3, new Register())
        .withAction(3, new RespondToPending())
        .withAction(1, new RespondToFinished())
        .withAction(1, new RespondToUnknown())
        .withAction(2, new AdvanceAndExpire())
        .withAction(1, new CancelPending())
        .withMaxTransformations(60);
  }

  static final class Register implements Action.Independent<Model> {
    @Override
    public Arbitrary<Transformer<Model>> transformer() {
      return Arbitraries.of(TwinRequest.Operation.values()).map(op -> Transformer.mutate("register " + op, m -> {
        RecordingListener listener = new RecordingListener();
        TwinRequest request = m.correlator.register(op, m.now, listener);
        assertThat(m.listeners).as("fresh $rid").doesNotContainKey(request.rid());
        assertThat(request.operation()).isEqualTo(op);
        assertThat(request.deadlineMillis()).isEqualTo(m.now + TIMEOUT);
        m.listeners.put(request.rid(), listener);
        m.pendingDeadlines.put(request.rid(), request.deadlineMillis());
      }));
    }
  }

  static final class RespondToPending implements Action.Dependent<Model> {
    @Override
    public boolean precondition(Model m) {
      return !m.pendingDeadlines.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<Model>> transformer(Model m) {
      return net.jqwik.api.Combinators.combine(Arbitraries.of(m.pending()), Arbitraries.of(200, 204, 400, 429, 500))
          .as((rid, status) -> Transformer.mutate("respond " + status + " to pending " + rid, s -> {
            assertThat(s.correlator.onResponse(TwinTopic.response(status, rid, 7L), new byte[] {1})).isTrue();
            s.pendingDeadlines.remove(rid);
            s.expectedStatus.put(rid, status);
          }));
    }
  }

  static final class RespondToFinished implements Action.Dependent<Model> {
    @Override
    public boolean precondition(Model m) {
      return !m.finished().isEmpty();
    }

    @Override
    public Arbitrary<Transformer<Model>> transformer(Model m) {
      return Arbitraries.of(m.finished()).map(rid -> Transformer.mutate("late/duplicate response to " + rid, s ->
          assertThat(s.correlator.onResponse(TwinTopic.response(200, rid, null), new byte[0])).isFalse()));
    }
  }

  static final class RespondToUnknown implements Action.Independent<Model> {
    @Override
    public Arbitrary<Transformer<Model>> transformer() {
      return Arbitraries.of("0", "999999", "x", "1 ", "-1").map(rid -> Transformer.mutate("unknown response " + rid, s ->
          assertThat(s.correlator.onResponse(TwinTopic.response(200, rid, null), new byte[0])).isFalse()));
    }
  }

  static final class AdvanceAndExpire implements Action.Independent<Model> {
    @Override
    public Arbitrary<Transformer<Model>> transformer() {
      return Arbitraries.longs().between(0, 150).map(delta -> Transformer.mutate("advance " + delta + " and expire", s -> {
        s.now += delta;
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Long> e : s.pendingDeadlines.entrySet()) {
          if (e.getValue() <= s.now) {
            due.add(e.getKey());
          }
        }
        assertThat(s.correlator.expire(s.now)).isEqualTo(due.size());
        for (String rid : due) {
          s.pendingDeadlines.remove(rid);
          s.timedOut.add(rid);
        }
      }));
    }
  }

  static final class CancelPending implements Action.Dependent<Model> {
    @Override
    public boolean precondition(Model m) {
      return !m.pendingDeadlines.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<Model>> transformer(Model m) {
      return Arbitraries.of(m.pending()).map(rid -> Transformer.mutate("cancel " + rid, s -> {
        assertThat(s.correlator.cancel(rid)).isTrue();
        assertThat(s.correlator.cancel(rid)).isFalse();
        s.pendingDeadlines.remove(rid);
        s.cancelled.add(rid);
      }));
    }
  }
}
