// The twin session under any sequence of events: each request ends once, retries bounded, $rid correlation,
// nothing published before its subscriptions are acknowledged on the current connection.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.twin.TwinSession.Failure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TwinSessionProperties {

  private static final int MAX_RETRIES = 3;
  private static final int[] STATUSES = {200, 204, 400, 404, 429, 500, 503};

  /** One event: which kind, and a number that picks its target or value. */
  static final class Step {
    final int kind;
    final int pick;

    Step(int kind, int pick) {
      this.kind = kind;
      this.pick = pick;
    }

    @Override
    public String toString() {
      return kind + "/" + pick;
    }
  }

  @Provide
  Arbitrary<List<Step>> scripts() {
    return Combinators.combine(Arbitraries.integers().between(0, 11), Arbitraries.integers().between(0, 1_000))
        .as(Step::new).list().ofMaxSize(80);
  }

  /** Everything the driver saw, checked as it happens. */
  private static final class Observer {
    final Map<Long, Integer> ends = new HashMap<>();
    final Map<Long, String> lastRid = new HashMap<>();
    final Map<Long, Integer> retryTimers = new HashMap<>();
    final Map<Long, Long> timers = new HashMap<>();
    final Set<String> rids = new HashSet<>();
    final List<Long> asked = new ArrayList<>();
    final Set<Long> afterDesired = new HashSet<>();
    final Set<Long> cancelled = new HashSet<>();
    Object connection;
    Object responsesAckedOn;
    Object desiredAckedOn;

    void drain(TwinSession session) {
      for (TwinEffect e = session.poll(); e != null; e = session.poll()) {
        switch (e.kind()) {
          case PUBLISH:
            assertThat(connection).as("published while connected").isNotNull();
            assertThat(responsesAckedOn).as("responses acknowledged on this connection first").isSameAs(connection);
            if (afterDesired.contains(e.id())) {
              assertThat(desiredAckedOn).as("subscribe desired, then GET").isSameAs(connection);
            }
            assertThat(rids.add(e.request().rid())).as("$rid %s never reused", e.request().rid()).isTrue();
            assertThat(e.rid()).isEqualTo(e.request().rid());
            lastRid.put(e.id(), e.request().rid());
            break;
          case TIMER:
            timers.put(e.id(), e.atMillis());
            break;
          case COMPLETE:
          case FAIL:
            assertThat(ends.merge(e.id(), 1, Integer::sum)).as("request %d ends once", e.id()).isEqualTo(1);
            assertThat(cancelled).doesNotContain(e.id());
            if (e.kind() == TwinEffect.Kind.COMPLETE || e.failure() == Failure.REJECTED) {
              assertThat(e.response().rid()).as("answer matched by $rid").isEqualTo(lastRid.get(e.id()));
            }
            if (e.failure() != null) {
              assertThat(e.retries()).isBetween(0, MAX_RETRIES);
            }
            timers.remove(e.id());
            break;
          default:
            break;
        }
      }
    }
  }

  @Property(tries = 500)
  void everyRequestEndsExactlyOnceWithBoundedRetriesAndMatchingRids(@ForAll("scripts") List<Step> script) {
    TwinSession session = TwinSession.builder().timeoutMillis(1_000).maxRetries(MAX_RETRIES)
        .retryDelayMillis(retry -> 10L * (retry + 1)).build();
    Observer o = new Observer();
    long now = 0;
    int connections = 0;
    for (Step s : script) {
      now += s.pick % 300;
      switch (s.kind) {
        case 0:
        case 1: {
          boolean desired = s.pick % 4 == 0;
          long id = session.request(s.pick % 2 == 0 ? TwinRequest.Operation.GET
              : TwinRequest.Operation.UPDATE_REPORTED, new byte[0], desired, now);
          o.asked.add(id);
          if (desired) {
            o.afterDesired.add(id);
          }
          break;
        }
        case 2:
          o.connection = "c" + ++connections;
          o.responsesAckedOn = null;
          o.desiredAckedOn = null;
          session.connected(o.connection, now);
          break;
        case 3:
          o.connection = null;
          o.responsesAckedOn = null;
          o.desiredAckedOn = null;
          session.connectionLost();
          break;
        case 4:
          if (o.connection != null) {
            boolean responses = s.pick % 3 != 0;
            if (responses) {
              o.responsesAckedOn = o.connection;
            } else {
              o.desiredAckedOn = o.connection;
            }
            session.subscribed(responses ? TwinTopic.RESPONSE_FILTER : TwinTopic.DESIRED_PATCH_FILTER,
                o.connection);
          }
          break;
        case 5:
        case 6:
        case 7: {
          // An answer to some $rid ever sent (or an unknown one), with any status.
          String rid = o.rids.isEmpty() || s.pick % 10 == 0 ? "999" + s.pick
              : new ArrayList<>(o.rids).get(s.pick % o.rids.size());
          int status = STATUSES[s.pick % STATUSES.length];
          boolean known = session.isPending(rid);
          assertThat(session.response(TwinTopic.response(status, rid, 1L), new byte[0], now)).isEqualTo(known);
          break;
        }
        case 8:
          if (!o.timers.isEmpty()) {
            Map.Entry<Long, Long> due = new ArrayList<>(o.timers.entrySet()).get(s.pick % o.timers.size());
            now = Math.max(now, due.getValue());
            session.timerFired(due.getKey(), now);
          }
          break;
        case 9:
          if (!o.lastRid.isEmpty()) {
            Map.Entry<Long, String> sent = new ArrayList<>(o.lastRid.entrySet()).get(s.pick % o.lastRid.size());
            if (s.pick % 5 == 0) {
              session.publishFailed(sent.getKey(), sent.getValue(), "boom");
            } else {
              session.published(sent.getKey(), sent.getValue());
            }
          }
          break;
        case 10:
          if (!o.asked.isEmpty()) {
            long id = o.asked.get(s.pick % o.asked.size());
            if (session.cancel(id)) {
              o.cancelled.add(id);
            }
          }
          break;
        default:
          now += 1;
          break;
      }
      o.drain(session);
    }
    // Time runs on with the hub silent: every request ends by itself, none lives for ever.
    for (int round = 0; round < 2 * (MAX_RETRIES + 2) && !o.timers.isEmpty(); round++) {
      for (Map.Entry<Long, Long> t : new ArrayList<>(o.timers.entrySet())) {
        now = Math.max(now, t.getValue());
        session.timerFired(t.getKey(), now);
        o.drain(session);
      }
    }
    assertThat(session.activeCount()).as("every request ended without close()").isZero();
    session.close();
    o.drain(session);
    for (long id : o.asked) {
      assertThat(o.ends.getOrDefault(id, 0) + (o.cancelled.contains(id) ? 1 : 0))
          .as("request %d ended exactly once", id).isEqualTo(1);
    }
  }
}
