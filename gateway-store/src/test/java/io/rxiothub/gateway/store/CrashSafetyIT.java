// Crash safety (issue 20, protocol.md §19.4): a child JVM appends to a durable store from many devices, is killed with
// SIGKILL mid-stream, and the reopened store holds every append whose completion was printed and not deleted, each
// once, in append order per device.
package io.rxiothub.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class CrashSafetyIT {

  private static final int DEVICES = 20;
  private static final int ACKS_BEFORE_KILL = 5_000;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void everyCompletedAppendSurvivesSigkillOnceAndInOrder(@TempDir Path dir) throws Exception {
    ChildJvm child = ChildJvm.builder(CrashChild.class).args(dir.toString(), "" + DEVICES).start();
    Set<String> acked = new HashSet<>();
    Set<String> deleted = new HashSet<>();
    Map<String, Long> ackedSequence = new HashMap<>();
    List<String> other = new ArrayList<>();
    try (child) {
      for (String line = child.nextLine(WAIT); line != null; line = child.nextLine(WAIT)) {
        String[] f = line.split(" ");
        if (f[0].equals("ACK") && f.length == 4) {
          acked.add(f[1] + "-" + f[2]);
          ackedSequence.put(f[1] + "-" + f[2], Long.parseLong(f[3]));
          if (acked.size() == ACKS_BEFORE_KILL) {
            // SIGKILL (no shutdown hook, no close, mid-stream); the child's last completed appends printed before it
            // are still read to the end of its output
            child.kill();
          }
        } else if (f[0].equals("DEL") && f.length == 3) {
          deleted.add(f[1] + "-" + f[2]);
        } else if (!line.equals("READY") && !line.isEmpty() && acked.size() < ACKS_BEFORE_KILL) {
          other.add(line); // a line cut by the kill is not a finding; anything before it is
        }
      }
      assertThat(child.awaitExit(WAIT)).as("killed by SIGKILL").isEqualTo(137);
    }
    assertThat(other).as("the child's other output").isEmpty();
    assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

    try (ForwardStore store = ForwardStore.open(StoreSettings.builder().directory(dir).build())) {
      Set<String> found = new HashSet<>();
      for (int d = 0; d < DEVICES; d++) {
        String device = "leaf-" + d;
        List<StoredMessage> queue = store.pending(device, 0, 1_000_000);
        int lastIndex = -1;
        long lastSequence = 0;
        for (StoredMessage m : queue) {
          int index = Integer.parseInt(m.properties().get("index"));
          assertThat(m.messageId()).isEqualTo(device + "-" + index);
          assertThat(index).as("append order of " + device).isGreaterThan(lastIndex);
          assertThat(m.sequence()).isGreaterThan(lastSequence);
          assertThat(found.add(m.messageId())).as("once: " + m.messageId()).isTrue();
          if (ackedSequence.containsKey(m.messageId())) {
            assertThat(m.sequence()).isEqualTo(ackedSequence.get(m.messageId()));
          }
          lastIndex = index;
          lastSequence = m.sequence();
        }
      }
      Set<String> mustBeThere = new HashSet<>(acked);
      mustBeThere.removeAll(deleted);
      assertThat(found).containsAll(mustBeThere);
      assertThat(store.stats().messages()).isEqualTo(found.size());
      // the store goes on after the crash: new appends get sequences no earlier one had
      long highest = ackedSequence.values().stream().mapToLong(Long::longValue).max().orElse(0);
      StoredMessage next = store.append("leaf-0", ForwardMessage.builder().messageId("after").build()).blockingGet();
      assertThat(next.sequence()).isGreaterThan(highest);
    }
    assertThat(Files.list(dir).count()).isPositive();
  }
}
