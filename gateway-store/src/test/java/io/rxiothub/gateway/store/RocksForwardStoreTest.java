// The durable store's own cases: one process per directory, close completes what was queued, a closed store fails
// through onError, many appends at once share syncs and all complete.
package io.rxiothub.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.observers.TestObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RocksForwardStoreTest {

  @TempDir
  Path dir;

  private StoreSettings settings() {
    return StoreSettings.builder().directory(dir).build();
  }

  private static ForwardMessage message(int i) {
    return ForwardMessage.builder().messageId("m" + i).property("i", "" + i).payload(new byte[] {(byte) i}).build();
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFailsNamingIt() {
    try (ForwardStore first = ForwardStore.open(settings())) {
      assertThatThrownBy(() -> ForwardStore.open(settings())).isInstanceOf(StoreException.class)
          .hasMessageContaining(dir.toString()).hasMessageContaining("another process");
      assertThat(first.stats().messages()).isZero();
    }
  }

  @Test
  void closeCompletesTheAppendsAlreadyQueuedAndTheyAreThereAfterReopening() {
    List<TestObserver<StoredMessage>> appends = new ArrayList<>();
    ForwardStore store = ForwardStore.open(settings());
    for (int i = 0; i < 2_000; i++) {
      appends.add(store.append("leaf-" + (i % 7), message(i)).test());
    }
    store.close();
    for (TestObserver<StoredMessage> a : appends) {
      a.assertComplete();
    }
    try (ForwardStore again = ForwardStore.open(settings())) {
      assertThat(again.stats().messages()).isEqualTo(2_000);
      assertThat(again.devices()).hasSize(7);
      List<StoredMessage> leaf3 = again.pending("leaf-3", 0, 10_000);
      assertThat(leaf3).extracting(StoredMessage::messageId).first().isEqualTo("m3");
      assertThat(leaf3).isSortedAccordingTo((a, b) -> Long.compare(a.sequence(), b.sequence()));
    }
  }

  @Test
  void aClosedStoreFailsAppendsThroughOnErrorAndOtherCallsAtOnce() {
    ForwardStore store = ForwardStore.open(settings());
    store.close();
    store.close();
    store.append("leaf", message(1)).test().assertError(StoreException.class);
    assertThatThrownBy(() -> store.pending("leaf", 10)).isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.delete("leaf", 1)).isInstanceOf(StoreException.class);
  }

  @Test
  void appendsFromManyThreadsAllCompleteWithDistinctSequencesInOrderPerDevice() throws Exception {
    try (ForwardStore store = ForwardStore.open(settings())) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String device = "leaf-" + t;
        threads.add(new Thread(() -> {
          List<Single<StoredMessage>> mine = new ArrayList<>();
          for (int i = 0; i < 300; i++) {
            mine.add(store.append(device, message(i)).cache());
            mine.get(i).subscribe((s, e) -> { });
          }
          mine.forEach(Single::blockingGet);
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(store.stats().messages()).isEqualTo(2_400);
      for (int t = 0; t < 8; t++) {
        assertThat(store.pending("leaf-" + t, 0, 1_000)).extracting(StoredMessage::messageId)
            .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 300).mapToObj(i -> "m" + i).toList());
      }
    }
  }

  @Test
  void aFullStoreAppliesItsPolicyToAppendsThatShareAGroup() {
    for (OverflowPolicy policy : OverflowPolicy.values()) {
      Path sub = dir.resolve(policy.name());
      List<TestObserver<StoredMessage>> appends = new ArrayList<>();
      try (ForwardStore store = ForwardStore.open(
          StoreSettings.builder().directory(sub).maxBytes(5_000).overflow(policy).build())) {
        for (int i = 0; i < 1_000; i++) {
          appends.add(store.append("leaf-" + (i % 3), message(i)).test());
        }
        long accepted = 0;
        for (TestObserver<StoredMessage> a : appends) {
          a.awaitDone(30, TimeUnit.SECONDS);
          if (a.values().isEmpty()) {
            a.assertError(StoreFullException.class);
          } else {
            accepted++;
          }
        }
        StoreStats stats = store.stats();
        assertThat(stats.bytes()).isLessThanOrEqualTo(5_000).isPositive();
        if (policy == OverflowPolicy.REJECT_NEW) {
          assertThat(accepted).isEqualTo(stats.messages());
          assertThat(store.pending("leaf-0", 1).get(0).messageId()).isEqualTo("m0");
        } else {
          assertThat(accepted).isEqualTo(1_000);
          assertThat(stats.dropped()).isEqualTo(1_000 - stats.messages());
          // the newest are kept, in order
          List<StoredMessage> leaf0 = store.pending("leaf-0", 1_000);
          assertThat(leaf0.get(leaf0.size() - 1).messageId()).isEqualTo("m999");
          assertThat(leaf0).isSortedAccordingTo((a, b) -> Long.compare(a.sequence(), b.sequence()));
        }
      }
      try (ForwardStore again = ForwardStore.open(StoreSettings.builder().directory(sub).build())) {
        assertThat(again.stats().bytes()).isLessThanOrEqualTo(5_000);
      }
    }
  }

  @Test
  void appendsGoOnWhileAnUpstreamReadsAndDeletesAndNoneFails() throws Exception {
    try (ForwardStore store = ForwardStore.open(settings())) {
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicLong deleted = new java.util.concurrent.atomic.AtomicLong();
      Thread upstream = new Thread(() -> {
        while (!stop.get()) {
          for (String leaf : store.devices()) {
            for (StoredMessage m : store.pending(leaf, 0, 50)) {
              if (store.delete(leaf, m.sequence())) {
                deleted.incrementAndGet();
              }
            }
          }
        }
      });
      upstream.start();
      List<TestObserver<StoredMessage>> appends = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        appends.add(store.append("leaf-" + (i % 50), message(i)).test());
      }
      for (TestObserver<StoredMessage> a : appends) {
        a.awaitDone(30, TimeUnit.SECONDS).assertNoErrors().assertComplete();
      }
      stop.set(true);
      upstream.join();
      assertThat(deleted.get() + store.stats().messages()).isEqualTo(20_000);
    }
  }
}
