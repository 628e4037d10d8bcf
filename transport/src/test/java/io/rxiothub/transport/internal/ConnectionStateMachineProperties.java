// jqwik stateful tests of the pure connection machine: random event sequences, the chaos suite's invariants.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.transport.QueuePolicy;
import io.rxiothub.transport.internal.MachineModel.Msg;
import io.rxiothub.transport.internal.MachineModel.Waiter;
import java.io.IOException;
import java.util.function.Supplier;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Drives {@link ConnectionStateMachine} directly (no driver, lock, thread or clock) with random chains
 * of events: user calls, sends, CONNACKs, refusals, losses, PUBACKs, late callbacks, time. The
 * {@link MachineWorld} checks each effect as it comes (one connection at a time, order per
 * connection, completion only on its PUBACK, one outcome per send and waiter, retry delays within the
 * backoff ceiling, the give-up time, nothing after close); after the chain the world answers every
 * attempt and PUBACK and lets time pass, and then every send and every waiter has ended exactly once:
 * no accepted message is lost.
 */
class ConnectionStateMachineProperties {

  @Property(tries = 400)
  void everySendAndWaiterEndsOnceInOrderPerConnectionAndNothingFollowsClose(
      @ForAll("chains") ActionChain<MachineWorld> chain) {
    MachineWorld world = chain.run();
    world.settle();
    for (Msg m : world.messages) {
      if (!m.disposed) {
        assertThat(m.outcomes).as("outcomes of %s; effects %s", m, world.log).isEqualTo(1);
      }
    }
    for (Waiter w : world.waiters) {
      assertThat(w.outcomes).as("outcomes of %s; effects %s", w, world.log).isNotZero();
    }
  }

  @Property(tries = 200)
  void aClosedMachineDoesNothingForAnyLaterEvent(
      @ForAll("chains") ActionChain<MachineWorld> chain) {
    MachineWorld world = chain.run();
    world.close();
    assertThat(world.status).isEqualTo(io.rxiothub.transport.TransportState.Status.CLOSED);
    assertThat(world.timers).as("timers running after close").isEmpty();
    assertThat(world.pending).as("attempts under way after close").isEmpty();
    assertThat(world.current).as("the connection after close").isZero();
    // Every event after close: the world's effect check fails on anything but refusals of new calls
    // and the abort of a late CONNACK's connection.
    world.acceptLate();
    world.loseLate();
    world.ackLate();
    world.disconnectDone();
    world.advance(60_000);
    Waiter connect = world.connect();
    Msg late = world.send(null, false);
    assertThat(connect.error).as("connect() after close").isInstanceOf(IllegalStateException.class);
    assertThat(late.error).as("a send after close").isInstanceOf(IllegalStateException.class);
    world.settle();
    for (Msg m : world.messages) {
      if (!m.disposed) {
        assertThat(m.outcomes).as("outcomes of %s", m).isEqualTo(1);
      }
    }
  }

  @Provide
  Arbitrary<ActionChain<MachineWorld>> chains() {
    return Combinators.combine(Arbitraries.of(QueuePolicy.values()),
        Arbitraries.integers().between(1, 6), Arbitraries.of(true, false), Arbitraries.of(0, 2))
        .flatAs((policy, capacity, renews, refusals) -> chain(() -> new MachineWorld(capacity, policy, renews,
            refusals)));
  }

  private static Arbitrary<ActionChain<MachineWorld>> chain(Supplier<MachineWorld> world) {
    return ActionChain.<MachineWorld>startWith(world)
        .withAction(3, just("connect", MachineWorld::connect))
        .withAction(1, just("disconnect", MachineWorld::disconnect))
        .withAction(1, just("cancel connect", MachineWorld::cancelConnect))
        .withAction(1, Action.just(Transformer.mutate("close", MachineWorld::close)))
        .withAction(6, new Send())
        .withAction(1, new Dispose())
        .withAction(1, just("cancel stream", MachineWorld::cancelStream))
        .withAction(4, just("accept", MachineWorld::accept))
        .withAction(1, just("accept late", MachineWorld::acceptLate))
        .withAction(2, just("fail attempt", w -> w.failAttempt(false)))
        .withAction(1, just("refuse attempt", w -> w.failAttempt(true)))
        .withAction(2, just("lose connection", w -> w.lose(false)))
        .withAction(1, just("server closes", w -> w.lose(true)))
        .withAction(1, just("late close", MachineWorld::loseLate))
        .withAction(4, just("puback", w -> w.ack(null)))
        .withAction(2, just("puback all", MachineWorld::ackAll))
        .withAction(1, just("publish fails", w -> w.ack(new IOException("write failed"))))
        .withAction(1, just("late puback", MachineWorld::ackLate))
        .withAction(2, just("disconnect done", MachineWorld::disconnectDone))
        .withAction(4, new Advance())
        .withMaxTransformations(60);
  }

  private static Action.Independent<MachineWorld> just(String name,
      java.util.function.Consumer<MachineWorld> event) {
    return Action.just(Transformer.mutate(name, event));
  }

  /** A send, sometimes with an expiry, sometimes of a stream (not bounded by the queue). */
  static final class Send implements Action.Independent<MachineWorld> {
    @Override
    public Arbitrary<Transformer<MachineWorld>> transformer() {
      Arbitrary<Long> expiry = Arbitraries.longs().between(0, 30_000).injectNull(0.7);
      return expiry.flatMap(e -> Arbitraries.of(true, false).map(stream -> Transformer.mutate(
          "send" + (e == null ? "" : " expiring in " + e) + (stream ? " of a stream" : ""),
          w -> w.send(e, stream))));
    }
  }

  /** The observer of a pending send disposes it. */
  static final class Dispose implements Action.Independent<MachineWorld> {
    @Override
    public Arbitrary<Transformer<MachineWorld>> transformer() {
      return Arbitraries.integers().between(0, 20)
          .map(i -> Transformer.mutate("dispose " + i, w -> w.dispose(i)));
    }
  }

  /** Time passes; the timers and expiries that come due fire. */
  static final class Advance implements Action.Independent<MachineWorld> {
    @Override
    public Arbitrary<Transformer<MachineWorld>> transformer() {
      return Arbitraries.of(10L, 500L, 1_000L, 5_000L, 31_000L)
          .map(ms -> Transformer.mutate("advance " + ms + " ms", w -> w.advance(ms)));
    }
  }
}
