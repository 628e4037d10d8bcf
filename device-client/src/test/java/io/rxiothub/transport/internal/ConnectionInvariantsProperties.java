// Random event sequences against the connection machine: what the chaos suite checks end to end, here on
// a scripted connection and a TestScheduler (no accepted message lost, order per connection, one outcome).
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.rxiothub.device.IotHubConnectionException;
import io.rxiothub.device.internal.TestCores;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.transport.internal.FakeConnector.FakeAttempt;
import io.rxiothub.transport.internal.FakeConnector.Published;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;

class ConnectionInvariantsProperties {

  static final ConnectionString DEVICE = ConnectionString.parse(
      "HostName=hub.example.net;DeviceId=dev1;SharedAccessKey=" + TestCores.KEY);

  /** What one sequence did: the client, its connection attempts and the sends with their outcomes. */
  static final class Run {
    final TestScheduler scheduler = new TestScheduler();
    final FakeConnector connector = new FakeConnector();
    final ClientCore core = new ClientCore(TestCores.settings(DEVICE, 3600, scheduler)
        .backoff(new Backoff(100, 1000, new Random(5))).giveUpMillis(20_000)
        .offlineQueue(10_000, io.rxiothub.transport.QueuePolicy.FAIL).build(), connector, () -> { });
    /** Attempts answered (accepted or refused) by the script. */
    final Set<FakeAttempt> answered = new HashSet<>();
    final List<int[]> outcomes = new ArrayList<>();
    final List<@Nullable Throwable> errors = new ArrayList<>();
    @Nullable FakeAttempt current;

    void send() {
      int i = outcomes.size();
      int[] count = new int[1];
      outcomes.add(count);
      errors.add(null);
      core.publish("t", Integer.toString(i).getBytes(StandardCharsets.UTF_8), false, null)
          .subscribe(() -> count[0]++, e -> {
            count[0]++;
            errors.set(i, e);
          });
    }

    @Nullable FakeAttempt pending() {
      if (connector.attempts.isEmpty()) {
        return null;
      }
      FakeAttempt last = connector.last();
      return answered.contains(last) || last.cancelled ? null : last;
    }

    @Nullable Published firstUnacked(@Nullable FakeAttempt a) {
      if (a == null) {
        return null;
      }
      for (Published p : a.published) {
        if (!p.acked) {
          return p;
        }
      }
      return null;
    }

    void step(int op, int arg) {
      FakeAttempt p = pending();
      switch (op) {
        case 0:
        case 1:
          send();
          break;
        case 2: {
          Published first = firstUnacked(current);
          if (first != null) {
            first.ack();
          }
          break;
        }
        case 3:
          if (current != null) {
            current.ackAll();
          }
          break;
        case 4:
          if (current != null) {
            current.drop("script");
            current = null;
          }
          break;
        case 5:
          if (p != null) {
            answered.add(p);
            current = p.accept();
          }
          break;
        case 6:
          if (p != null) {
            answered.add(p);
            p.refuse(new IotHubConnectionException("script refused", null));
          }
          break;
        case 7: {
          Published first = firstUnacked(current);
          if (first != null) {
            first.fail(new IOException("script write failed"));
          }
          break;
        }
        default:
          scheduler.advanceTimeBy(arg * 400L, TimeUnit.MILLISECONDS);
      }
      scheduler.triggerActions();
    }

    /** Lets every send reach its outcome: connects, acknowledges, lets time pass. */
    void settle() {
      for (int round = 0; round < 60 && !allDecided(); round++) {
        FakeAttempt p = pending();
        if (p != null) {
          answered.add(p);
          current = p.accept();
        }
        if (current != null) {
          current.ackAll();
        }
        scheduler.advanceTimeBy(2_000, TimeUnit.MILLISECONDS);
        scheduler.triggerActions();
      }
    }

    boolean allDecided() {
      for (int[] c : outcomes) {
        if (c[0] == 0) {
          return false;
        }
      }
      return true;
    }
  }

  @Property(tries = 300)
  void noAcceptedMessageIsLostOrderHoldsPerConnectionAndEverySendEndsOnce(
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 89) Integer> script) {
    Run run = new Run();
    run.core.connect().subscribe(() -> { }, e -> { });
    run.scheduler.triggerActions();
    for (int v : script) {
      run.step(v % 10, v / 10);
      for (int[] c : run.outcomes) {
        assertThat(c[0]).as("outcomes of one send").isLessThanOrEqualTo(1);
      }
    }
    run.settle();

    for (int i = 0; i < run.outcomes.size(); i++) {
      assertThat(run.outcomes.get(i)[0]).as("outcomes of send %s", i).isEqualTo(1);
    }
    Set<Integer> acked = new HashSet<>();
    for (FakeAttempt a : run.connector.attempts) {
      int previous = -1;
      for (Published p : a.published) {
        int index = Integer.parseInt(new String(p.payload, StandardCharsets.UTF_8));
        assertThat(index).as("publishes of one connection in send order, each once").isGreaterThan(previous);
        previous = index;
        if (p.acked) {
          acked.add(index);
        }
      }
    }
    for (int i = 0; i < run.outcomes.size(); i++) {
      if (run.errors.get(i) == null) {
        assertThat(acked).as("a send that completed was acknowledged on a connection").contains(i);
      }
    }
    run.core.close();
  }
}
