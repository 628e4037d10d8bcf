// The service-bound queue without I/O: batches under a lock, complete, abandon, lock expiry, capacity.
package io.rxiothub.emulator.service.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceBoundQueueTest {

  private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");
  private static final Duration LOCK = Duration.ofSeconds(60);

  private static ObjectNode record(int n) {
    return ServiceJson.JSON.createObjectNode().put("n", n);
  }

  /** Records the journal's calls; refuses them while {@code refuse} is set. */
  private static final class Journal implements ServiceBoundQueue.Journal {
    final List<String> calls = new ArrayList<>();
    boolean refuse;

    @Override
    public void added(long sequence, ObjectNode record) {
      check();
      calls.add("+" + sequence);
    }

    @Override
    public void removed(List<Long> sequences) {
      check();
      calls.add("-" + sequences);
    }

    private void check() {
      if (refuse) {
        throw new IllegalStateException("refused");
      }
    }
  }

  @Test
  void theJournalHearsFirstAndARefusalChangesNothing() {
    Journal journal = new Journal();
    ServiceBoundQueue queue = new ServiceBoundQueue(10, journal);
    queue.offer(record(0), T0);
    queue.offer(record(1), T0);
    ServiceBoundQueue.Batch batch = queue.receive(5, LOCK, T0);
    journal.refuse = true;
    assertThatThrownBy(() -> queue.offer(record(2), T0)).hasMessageContaining("refused");
    assertThatThrownBy(() -> queue.complete(batch.lockToken(), T0)).hasMessageContaining("refused");
    assertThat(queue.available(T0)).as("nothing queued by the refused offer").isZero();
    journal.refuse = false;
    assertThat(queue.complete(batch.lockToken(), T0)).as("the batch stayed locked").isTrue();
    assertThat(journal.calls).containsExactly("+1", "+2", "-[1, 2]");
  }

  @Test
  void restoredRecordsComeFirstAndSequencesGoOn() {
    Journal journal = new Journal();
    ServiceBoundQueue queue = new ServiceBoundQueue(2, journal);
    queue.restore(7, record(7));
    queue.restore(8, record(8));
    queue.restore(9, record(9));
    assertThat(queue.dropped()).as("beyond capacity the oldest goes").isEqualTo(1);
    queue.offer(record(10), T0);
    assertThat(journal.calls).containsExactly("-[7]", "+10", "-[8]");
    assertThat(queue.receive(5, LOCK, T0).json().toString()).isEqualTo("[{\"n\":9},{\"n\":10}]");
  }

  @Test
  void aBatchIsLockedUntilCompleted() {
    ServiceBoundQueue queue = new ServiceBoundQueue(10);
    for (int i = 0; i < 3; i++) {
      queue.offer(record(i), T0);
    }
    ServiceBoundQueue.Batch batch = queue.receive(2, LOCK, T0);
    assertThat(batch.json().toString()).isEqualTo("[{\"n\":0},{\"n\":1}]");
    assertThat(queue.receive(5, LOCK, T0).json().toString()).isEqualTo("[{\"n\":2}]");
    assertThat(queue.receive(5, LOCK, T0)).isNull();
    assertThat(queue.complete(batch.lockToken(), T0)).isTrue();
    assertThat(queue.complete(batch.lockToken(), T0)).isFalse();
  }

  @Test
  void abandonedAndExpiredBatchesComeBackFirstInLine() {
    ServiceBoundQueue queue = new ServiceBoundQueue(10);
    queue.offer(record(0), T0);
    queue.offer(record(1), T0);
    ServiceBoundQueue.Batch first = queue.receive(1, LOCK, T0);
    queue.offer(record(2), T0);
    assertThat(queue.abandon(first.lockToken(), T0)).isTrue();
    ServiceBoundQueue.Batch again = queue.receive(1, LOCK, T0);
    assertThat(again.json().toString()).isEqualTo("[{\"n\":0}]");
    assertThat(queue.complete(again.lockToken(), T0)).isTrue();

    ServiceBoundQueue.Batch held = queue.receive(1, LOCK, T0);
    assertThat(held.json().toString()).isEqualTo("[{\"n\":1}]");
    Instant later = T0.plus(LOCK);
    assertThat(queue.complete(held.lockToken(), later)).isFalse();
    assertThat(queue.receive(5, LOCK, later).json().toString()).isEqualTo("[{\"n\":1},{\"n\":2}]");
  }

  @Test
  void aFullQueueDropsTheOldestAvailableRecordAndCountsIt() {
    ServiceBoundQueue queue = new ServiceBoundQueue(2);
    queue.offer(record(0), T0);
    queue.offer(record(1), T0);
    queue.offer(record(2), T0);
    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(queue.available(T0)).isEqualTo(2);
    assertThat(queue.receive(5, LOCK, T0).json().toString()).isEqualTo("[{\"n\":1},{\"n\":2}]");
    assertThatThrownBy(() -> queue.receive(0, LOCK, T0)).hasMessageContaining("max must be at least 1");
    assertThatThrownBy(() -> new ServiceBoundQueue(0)).hasMessageContaining("capacity");
  }
}
