// The forwarding loop of one leaf against a real store in memory and an upstream we own (a Link whose sends the test
// completes): order, nothing lost, no store read per message while the upstream keeps up, the backlog read from
// the store, records the store dropped or expired never sent from memory, resends after a failure, deletions written
// in batches.
package io.rxiothub.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.subjects.CompletableSubject;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoreFullException;
import io.rxiothub.gateway.store.StoreSettings;
import io.rxiothub.gateway.store.StoreStats;
import io.rxiothub.gateway.store.StoredMessage;
import io.rxiothub.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForwarderTest {

  private static final String LEAF = "leaf-1";

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  /** The forwarding executor, run by the test: kicks and deletions happen when the test says. */
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final CountingStore store = new CountingStore(ForwardStore.open(StoreSettings.builder().inMemory()
      .build()));
  private final Upstream upstream = new Upstream();
  private final Metrics metrics = new Metrics();
  private final Forwarding shared = new Forwarding(store, metrics, timer, tasks::add, 0);
  private final Forwarder forwarder = new Forwarder(LEAF, "telemetry of " + LEAF, 16, shared, upstream);
  private int appended;

  @AfterEach
  void stop() {
    timer.shutdownNow();
    store.close();
  }

  @Test
  void whileTheUpstreamKeepsUpAppendsAreSentFromMemoryInOrderWithOneStoreRead() {
    forwarder.kickLater();
    run();
    for (int i = 0; i < 200; i++) {
      append(1 + i % 3);
      run();
      upstream.ackAll();
      run();
    }

    assertThat(appended).isEqualTo(399);
    assertThat(upstream.sentIds()).containsExactlyElementsOf(ids(appended));
    assertThat(store.reads.get()).as("store reads for 399 messages").isEqualTo(1);
    assertThat(store.statsReads.get()).as("locked per-leaf stats asked while sending").isZero();
    assertThat(store.stats().messages()).as("deleted after their acknowledgements").isZero();
    assertThat(store.batches.get()).as("deletion batches").isBetween(1, 200);
    assertThat(forwarder.isIdle()).isTrue();
    assertThat(List.of(metrics.received.get(), metrics.receivedBytes.get(), metrics.forwarded.get(),
        metrics.forwardedBytes.get())).as("received, bytes, forwarded, bytes").containsExactly(399L, 1_197L, 399L,
        1_197L);
  }

  @Test
  void aRecordTheStoreRefusesIsReportedAndCountedAndNothingIsSent() {
    try (ForwardStore tiny = ForwardStore.open(StoreSettings.builder().inMemory().maxBytes(100).build())) {
      Metrics counted = new Metrics();
      Upstream up = new Upstream();
      Forwarder f = forwarder(tiny, counted, 4, up);
      List<@Nullable Throwable> outcomes = new ArrayList<>();
      f.kickLater();
      run();

      f.store(ForwardMessage.builder().messageId("big").payload(new byte[200]).build(), outcomes::add);
      run();

      assertThat(outcomes).singleElement().isInstanceOf(StoreFullException.class);
      assertThat(counted.refused.get()).isEqualTo(1);
      assertThat(counted.received.get()).isZero();
      assertThat(up.sent).isEmpty();
    }
  }

  @Test
  void aBacklogPastTheTailIsReadFromTheStoreAHalfWindowAtATimeAndNothingIsLostOrRepeated() {
    forwarder.kickLater();
    run();
    for (int i = 0; i < Forwarder.TAIL_LIMIT * 3; i++) {
      append(1);
    }
    run();
    assertThat(upstream.inFlight()).as("sends in flight at most the window").isEqualTo(16);

    while (upstream.inFlight() > 0) {
      upstream.ackOldest();
      run();
    }

    assertThat(upstream.sentIds()).containsExactlyElementsOf(ids(Forwarder.TAIL_LIMIT * 3));
    assertThat(store.reads.get()).as("store reads").isLessThan(Forwarder.TAIL_LIMIT * 3 / 8 + 4);
    assertThat(store.stats().messages()).isZero();
  }

  @Test
  void aFailedSendIsSentAgainOnceTheOthersSettledAndOnlyWhatWasNotAcknowledged() {
    forwarder.kickLater();
    run();
    for (int i = 0; i < 10; i++) {
      append(1);
    }
    run();
    upstream.fail(3);
    upstream.ackAll();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      run();
      return upstream.sent.size() > 10;
    });
    run();
    upstream.ackAll();
    run();

    assertThat(upstream.sentIds()).containsExactlyElementsOf(concat(ids(10), List.of("m-3")));
    assertThat(store.stats().messages()).isZero();
  }

  @Test
  void withoutAnUpstreamNothingIsTakenAndEverythingIsSentOnceItIsBack() {
    upstream.available = false;
    forwarder.kickLater();
    run();
    for (int i = 0; i < 5; i++) {
      append(1);
    }
    run();
    assertThat(upstream.sent).isEmpty();

    upstream.available = true;
    forwarder.kickLater();
    run();
    upstream.ackAll();
    run();

    assertThat(upstream.sentIds()).containsExactlyElementsOf(ids(5));
    assertThat(store.stats().messages()).isZero();
  }

  @Test
  void recordsTheOverflowPolicyDroppedAreNotSentFromMemory() {
    try (ForwardStore small = ForwardStore.open(StoreSettings.builder().inMemory().maxBytes(600)
        .overflow(io.rxiothub.gateway.store.OverflowPolicy.DROP_OLDEST).build())) {
      Upstream up = new Upstream();
      Forwarder f = forwarder(small, new Metrics(), 4, up);
      f.kickLater();
      run();
      for (int i = 0; i < 40; i++) {
        f.appended(small.append(LEAF, message("m-" + i)).blockingGet());
        run(); // the first four go in flight at once; the rest wait in memory and in the store
      }
      assertThat(up.sentIds()).containsExactlyElementsOf(ids(4));
      List<String> kept = small.pending(LEAF, 0, 1_000).stream().map(StoredMessage::messageId).toList();
      assertThat(small.stats(LEAF).dropped()).as("dropped by the overflow policy").isPositive();

      while (up.inFlight() > 0) {
        up.ackOldest();
        run();
      }

      List<String> expected = new ArrayList<>(ids(4)); // the window, sent before the drops
      kept.stream().filter(id -> !expected.contains(id)).forEach(expected::add);
      assertThat(up.sentIds()).containsExactlyElementsOf(expected);
      assertThat(small.stats().messages()).isZero();
    }
  }

  @Test
  void recordsTheAgeLimitExpiredAreNotSentFromMemory() {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    try (ForwardStore aging = ForwardStore.open(StoreSettings.builder().inMemory().maxAge(Duration.ofSeconds(10))
        .clock(clock).build())) {
      Upstream up = new Upstream();
      Forwarder f = forwarder(aging, new Metrics(), 4, up);
      f.kickLater();
      run();
      for (int i = 0; i < 10; i++) {
        f.appended(aging.append(LEAF, message("m-" + i)).blockingGet());
        run(); // the first four go in flight at once; the rest wait in memory and in the store
      }
      clock.advance(10_000);
      f.appended(aging.append(LEAF, message("m-10")).blockingGet()); // this append expires the ten before it
      run();
      assertThat(aging.stats(LEAF).expired()).as("expired by the age limit").isEqualTo(10);

      while (up.inFlight() > 0) {
        up.ackOldest();
        run();
      }

      assertThat(up.sentIds()).containsExactly("m-0", "m-1", "m-2", "m-3", "m-10");
      assertThat(aging.stats().messages()).isZero();
    }
  }

  /**
   * A send already acknowledged when the forwarder subscribes to it (its outcome runs inside the send loop, as the
   * property's retries on the timer thread met in CI): the rest of the batch still goes first, the window holds, and
   * the leaf is told idle once, after the last send.
   */
  @Test
  void aSendAcknowledgedAsItIsSubscribedToKeepsTheOrderAndTheWindow() {
    try (ForwardStore memory = ForwardStore.open(StoreSettings.builder().inMemory().build())) {
      Upstream up = new Upstream();
      Forwarder f = forwarder(memory, new Metrics(), 2, up);
      f.kickLater();
      run();
      up.settleAtOnce("m-0", true);
      for (int i = 0; i < 5; i++) {
        f.appended(memory.append(LEAF, message("m-" + i)).blockingGet());
      }

      run(); // one kick: the batch m-0, m-1 from memory; m-0 is acknowledged as it is subscribed to
      assertThat(up.sentIds()).as("sent by the kick").containsExactly("m-0", "m-1", "m-2");
      assertThat(up.inFlight()).as("in flight, window 2").isEqualTo(2);
      while (up.inFlight() > 0) {
        up.ackOldest();
        run();
      }

      assertThat(up.sentIds()).containsExactlyElementsOf(ids(5));
      assertThat(memory.stats().messages()).isZero();
    }
  }

  @Test
  void whenEverySendIsAcknowledgedAsItIsSubscribedToTheLeafIsToldIdleOnceAfterTheLast() {
    try (ForwardStore memory = ForwardStore.open(StoreSettings.builder().inMemory().build())) {
      Upstream up = new Upstream();
      Forwarder f = forwarder(memory, new Metrics(), 4, up);
      f.kickLater();
      run();
      for (int i = 0; i < 3; i++) {
        up.settleAtOnce("m-" + i, true);
        f.appended(memory.append(LEAF, message("m-" + i)).blockingGet());
      }

      run();

      assertThat(up.sentIds()).containsExactlyElementsOf(ids(3));
      assertThat(up.acknowledged).containsExactlyElementsOf(ids(3));
      assertThat(up.idleAfter).as("messages sent each time the leaf was told idle").containsExactly(3);
    }
  }

  @Test
  void aRecordThatCanNeverBeSentIsDeletedAndTheRestGoOn() {
    upstream.unsendable = "m-2";
    forwarder.kickLater();
    run();
    for (int i = 0; i < 5; i++) {
      append(1);
    }
    run();
    upstream.ackAll();
    run();

    assertThat(upstream.sentIds()).containsExactly("m-0", "m-1", "m-3", "m-4");
    assertThat(upstream.dropped).containsExactly("m-2");
    assertThat(store.stats().messages()).isZero();
  }

  /**
   * Any mix of appends, acknowledgements (oldest or any), failures, sends settled as they are subscribed to and
   * kicks (the retries run on a thread of their own), then everything acknowledged: every
   * message reached the cloud, the first sends kept the store's order, and a message was sent again only after a
   * failure.
   */
  @Property(tries = 60)
  void nothingIsLostAndOrderIsKeptWhateverTheUpstreamDoes(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 400) int steps) {
    try (ForwardStore memory = ForwardStore.open(StoreSettings.builder().inMemory().build())) {
      ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
      ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
      try {
        Upstream up = new Upstream();
        Forwarder f = new Forwarder(LEAF, "telemetry of " + LEAF, 8,
            new Forwarding(memory, new Metrics(), retries, queue::add, 0), up);
        Random random = new Random(seed);
        int n = 0;
        int failures = 0;
        f.kickLater();
        for (int i = 0; i < steps; i++) {
          switch (random.nextInt(7)) {
            case 0, 1 -> {
              StoredMessage m = memory.append(LEAF, message("m-" + n++)).blockingGet();
              f.appended(m);
            }
            case 2 -> up.ackOldest();
            case 3 -> up.ackAny(random);
            case 4 -> failures += up.failAny(random) ? 1 : 0;
            case 5 -> up.settleNextAtOnce(random.nextBoolean());
            default -> drain(queue);
          }
        }
        int total = n;
        await().atMost(Duration.ofSeconds(20)).until(() -> {
          drain(queue);
          up.ackAll();
          drain(queue);
          return up.acknowledged.size() >= total && up.inFlight() == 0 && memory.stats().messages() == 0;
        });

        assertThat(Set.copyOf(up.acknowledged)).containsExactlyInAnyOrderElementsOf(ids(total));
        assertThat(firstSends(up.sentIds())).containsExactlyElementsOf(ids(total));
        if (failures + up.failedAtOnce() == 0) {
          assertThat(up.sentIds()).as("no failure, no second send").hasSize(total);
        }
      } finally {
        retries.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private void append(int count) {
    for (int i = 0; i < count; i++) {
      List<@Nullable Throwable> outcome = new ArrayList<>();
      forwarder.store(message("m-" + appended++), outcome::add); // a store in memory appends on this thread
      assertThat(outcome).as("stored").containsExactly((Throwable) null);
    }
  }

  /** A forwarder of LEAF on {@code store}, kicked by the test's tasks. */
  private Forwarder forwarder(ForwardStore store, Metrics counted, int window, Upstream up) {
    return new Forwarder(LEAF, "telemetry of " + LEAF, window, new Forwarding(store, counted, timer, tasks::add, 0),
        up);
  }

  private void run() {
    drain(tasks);
  }

  private static void drain(ConcurrentLinkedQueue<Runnable> queue) {
    Runnable r;
    while ((r = queue.poll()) != null) {
      r.run();
    }
  }

  private static ForwardMessage message(String id) {
    return ForwardMessage.builder().messageId(id).payload(new byte[] {1, 2, 3}).build();
  }

  private static List<String> ids(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("m-" + i);
    }
    return out;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static List<String> firstSends(List<String> sent) {
    List<String> out = new ArrayList<>();
    for (String id : sent) {
      if (!out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  /** An upstream the test drives: each send waits until the test acknowledges or fails it. Thread-safe. */
  private static final class Upstream implements Forwarder.Link {
    final List<StoredMessage> sent = new ArrayList<>();
    final List<CompletableSubject> open = new ArrayList<>();
    final List<StoredMessage> openMessages = new ArrayList<>();
    final List<String> acknowledged = new ArrayList<>();
    final List<String> dropped = new ArrayList<>();
    volatile boolean available = true;
    volatile @Nullable String unsendable;
    /** Sends settled before the forwarder subscribes: by id, acknowledged (true) or failed (false). */
    final Map<String, Boolean> atOnce = new HashMap<>();
    /** How the next send settles before the forwarder subscribes, if it does. */
    @Nullable Boolean nextAtOnce;
    int failedAtOnce;
    /** How many messages had been sent each time the forwarder said the leaf is idle. */
    final List<Integer> idleAfter = new ArrayList<>();

    @Override
    public synchronized @Nullable Completable send(StoredMessage message) {
      if (!available) {
        return null;
      }
      if (message.messageId().equals(unsendable)) {
        throw new IllegalArgumentException("cannot be sent");
      }
      Boolean settled = atOnce.remove(message.messageId());
      if (settled == null) {
        settled = nextAtOnce;
        nextAtOnce = null;
      }
      if (settled != null) {
        sent.add(message);
        if (settled) {
          return Completable.complete();
        }
        failedAtOnce++;
        return Completable.error(new IllegalStateException("connection lost"));
      }
      CompletableSubject s = CompletableSubject.create();
      sent.add(message);
      open.add(s);
      openMessages.add(message);
      return s;
    }

    @Override
    public synchronized void acknowledged(StoredMessage message) {
      acknowledged.add(message.messageId());
    }

    @Override
    public void failed(StoredMessage message, Throwable error, boolean first) {
      // kept to send again
    }

    @Override
    public synchronized void unsendable(StoredMessage message, IllegalArgumentException error) {
      dropped.add(message.messageId());
    }

    @Override
    public synchronized void idle() {
      idleAfter.add(sent.size());
    }

    synchronized void settleAtOnce(String id, boolean acknowledged) {
      atOnce.put(id, acknowledged);
    }

    synchronized void settleNextAtOnce(boolean acknowledged) {
      nextAtOnce = acknowledged;
    }

    synchronized int failedAtOnce() {
      return failedAtOnce;
    }

    synchronized List<String> sentIds() {
      return sent.stream().map(StoredMessage::messageId).toList();
    }

    synchronized int inFlight() {
      return open.size();
    }

    void ackAll() {
      while (true) {
        CompletableSubject s;
        synchronized (this) {
          if (open.isEmpty()) {
            return;
          }
          s = take(0);
        }
        s.onComplete();
      }
    }

    void ackOldest() {
      CompletableSubject s;
      synchronized (this) {
        if (open.isEmpty()) {
          return;
        }
        s = take(0);
      }
      s.onComplete();
    }

    void ackAny(Random random) {
      CompletableSubject s;
      synchronized (this) {
        if (open.isEmpty()) {
          return;
        }
        s = take(random.nextInt(open.size()));
      }
      s.onComplete();
    }

    boolean failAny(Random random) {
      CompletableSubject s;
      synchronized (this) {
        if (open.isEmpty()) {
          return false;
        }
        s = take(random.nextInt(open.size()));
      }
      s.onError(new IllegalStateException("connection lost"));
      return true;
    }

    void fail(int index) {
      CompletableSubject s;
      synchronized (this) {
        s = take(index);
      }
      s.onError(new IllegalStateException("connection lost"));
    }

    private CompletableSubject take(int index) {
      openMessages.remove(index);
      return open.remove(index);
    }
  }

  /** The store, counting the reads that send, the per-leaf stats and the deletion batches. */
  private static final class CountingStore extends DelegatingStore {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger statsReads = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();

    CountingStore(ForwardStore store) {
      super(store);
    }

    @Override
    public List<StoredMessage> pending(String deviceId, long afterSequence, int max) {
      reads.incrementAndGet();
      return super.pending(deviceId, afterSequence, max);
    }

    @Override
    public StoreStats stats(String deviceId) {
      statsReads.incrementAndGet();
      return super.stats(deviceId);
    }

    @Override
    public int deleteAll(Collection<StoredMessage> messages) {
      batches.incrementAndGet();
      return super.deleteAll(messages);
    }
  }
}
