// The store against its model (jqwik): any sequence of appends, reads, deletes, clock steps and expiries, under
// both overflow policies, gives the model's answers; a subclass says which store (and how many tries it affords).
package io.rxiothub.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;

abstract class ForwardStoreContract {

  private final List<ForwardStore> opened = new ArrayList<>();

  /** Opens a fresh, empty store with these settings. */
  abstract ForwardStore openFresh(StoreSettings settings);

  /** Closes and reopens the store (a durable one reads back its directory); a memory store returns itself. */
  abstract ForwardStore reopen(ForwardStore store);

  ForwardStore track(ForwardStore s) {
    opened.add(s);
    return s;
  }

  @AfterTry
  void closeAll() {
    opened.forEach(ForwardStore::close);
    opened.clear();
  }

  sealed interface Op permits Append, Pending, Delete, DeleteAll, Advance, Expire, Reopen {}

  record Append(int device, int payload, int props) implements Op {}

  record Pending(int device, int afterPick, int max) implements Op {}

  record Delete(int device, int pick) implements Op {}

  /** Deletes in one call: pairs of (device, pick), some queued, some not, some twice, some another device's. */
  record DeleteAll(List<Integer> devices, List<Integer> picks) implements Op {}

  record Advance(long millis) implements Op {}

  record Expire() implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> append = Combinators.combine(Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 300), Arbitraries.integers().between(0, 3)).as(Append::new);
    Arbitrary<Op> pending = Combinators.combine(Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(-1, 5), Arbitraries.integers().between(1, 6)).as(Pending::new);
    Arbitrary<Op> delete = Combinators.combine(Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(-1, 5)).as(Delete::new);
    Arbitrary<Op> deleteAll = Combinators.combine(Arbitraries.integers().between(0, 3).list().ofSize(6),
        Arbitraries.integers().between(-1, 5).list().ofSize(6)).as(DeleteAll::new);
    Arbitrary<Op> advance = Arbitraries.longs().between(0, 400).map(Advance::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, append), net.jqwik.api.Tuple.of(3, pending), net.jqwik.api.Tuple.of(3, delete),
        net.jqwik.api.Tuple.of(2, deleteAll),
        net.jqwik.api.Tuple.of(2, advance), net.jqwik.api.Tuple.of(1, Arbitraries.just(new Expire())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen()))).list().ofMaxSize(60);
  }

  @Property
  void theStoreAnswersAsItsModel(@ForAll("operations") List<Op> ops, @ForAll boolean dropOldest,
      @ForAll("limits") long maxBytes) {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    StoreSettings settings = StoreSettings.builder().maxBytes(maxBytes).maxAge(Duration.ofMillis(1000))
        .overflow(dropOldest ? OverflowPolicy.DROP_OLDEST : OverflowPolicy.REJECT_NEW).clock(clock).build();
    ForwardStore store = track(openFresh(settings));
    StoreModel model = new StoreModel(settings);
    int n = 0;
    for (Op op : ops) {
      String device = "dev-" + (op instanceof Append a ? a.device() : op instanceof Pending p ? p.device()
          : op instanceof Delete d ? d.device() : 0);
      if (op instanceof Append a) {
        ForwardMessage m = message("m" + n++, a.payload(), a.props());
        StoredMessage expected = model.append(device, m, clock.millis());
        ForwardStore current = store;
        if (expected == null) {
          assertThatThrownBy(() -> current.append(device, m).blockingGet()).isInstanceOf(StoreFullException.class)
              .hasMessageContaining("maxBytes " + maxBytes);
        } else {
          assertThat(store.append(device, m).blockingGet()).isEqualTo(expected);
        }
      } else if (op instanceof Pending p) {
        long after = pick(model, device, p.afterPick());
        assertThat(store.pending(device, after, p.max()))
            .isEqualTo(model.pending(device, after, p.max(), clock.millis()));
      } else if (op instanceof Delete d) {
        long seq = pick(model, device, d.pick());
        assertThat(store.delete(device, seq)).isEqualTo(model.delete(device, seq));
      } else if (op instanceof DeleteAll all) {
        List<StoredMessage> named = new ArrayList<>();
        int expected = 0;
        for (int i = 0; i < all.devices().size(); i++) {
          String d = "dev-" + all.devices().get(i);
          long seq = Math.max(1, pick(model, d, all.picks().get(i)));
          named.add(StoredMessage.of(seq, d, java.time.Instant.EPOCH, message("x", 0, 0)));
          expected += model.delete(d, seq) ? 1 : 0;
        }
        assertThat(store.deleteAll(named)).isEqualTo(expected);
      } else if (op instanceof Advance adv) {
        clock.advance(adv.millis());
      } else if (op instanceof Expire) {
        assertThat(store.expire()).isEqualTo(model.expire(clock.millis()));
      } else {
        ForwardStore again = track(reopen(store));
        if (again != store) {
          // counters of dropped and expired messages start again with each opening
          model.dropped = 0;
          model.expired = 0;
          model.lost.clear();
        }
        store = again;
      }
      assertThat(store.stats()).isEqualTo(model.stats());
      assertThat(store.devices()).isEqualTo(model.devices());
      for (int d = 0; d < 4; d++) {
        assertThat(store.droppedOrExpired("dev-" + d)).as("dev-%d's messages dropped or expired", d)
            .isEqualTo(model.lost.getOrDefault("dev-" + d, 0L));
      }
    }
    for (String device : model.devices()) {
      assertThat(store.pending(device, 0, 1000)).isEqualTo(model.pending(device, 0, 1000, clock.millis()));
      assertThat(store.stats(device).messages()).isEqualTo(model.pending(device, 0, 1000, clock.millis()).size());
    }
  }

  @Provide
  Arbitrary<Long> limits() {
    return Arbitraries.longs().between(200, 3000);
  }

  /**
   * Picks the sequence of one of the device's queued messages, or one that is not queued (-1 picks 0), or (5) the
   * store's oldest, often another device's.
   */
  private static long pick(StoreModel model, String device, int pick) {
    if (pick < 0) {
      return 0;
    }
    if (pick == 5 && !model.queued.isEmpty()) {
      return model.queued.get(0).sequence();
    }
    List<StoredMessage> q = model.queued.stream().filter(s -> s.deviceId().equals(device)).toList();
    return q.isEmpty() ? model.nextSequence + pick : q.get(pick % q.size()).sequence();
  }

  static ForwardMessage message(String id, int payload, int props) {
    ForwardMessage.Builder b = ForwardMessage.builder().messageId(id).payload(new byte[payload]);
    for (int i = 0; i < props; i++) {
      b.property("p" + i, "välue-" + i);
    }
    return b.build();
  }
}
