// The gateway store (issue 20) measured: append latency at 1,000 leaves x 10 msg/s, appends/s with group commit
// against RocksDB synced per write (1 and 16 writers), and disk bytes per queued message.
package io.rxiothub.benchmarks.store;

import io.rxiothub.benchmarks.e2e.Json;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoreSettings;
import io.rxiothub.gateway.store.StoredMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * {@code StoreBench <work dir on the disk to measure> [paced seconds] [result file]}: in one JVM, in this order:
 * a 10 s warm-up; <b>paced</b>: 1,000 leaves x 10 messages/s (one append every 100 µs, round robin) for the given
 * seconds (default 60) while an "upstream" thread reads each leaf's queue and deletes what it read every 50 ms, the
 * latency of each append measured from when it was due (so a stall counts for every append it delays);
 * <b>max</b>: appends as fast as 2,000 in flight allow, 10 s, drained likewise; <b>sync per write</b>: raw RocksDB
 * puts of the same records with {@code sync=true}, 1 writer and 16 writers, 10 s each (the alternative to our group
 * commit; RocksDB itself groups concurrent synced writers); <b>disk</b>: 100,000 messages queued with no deletes
 * (JSON payloads, then incompressible ones), the directory's bytes per message open and after close, against the
 * message's payload + properties + id.
 */
public final class StoreBench {

  private static final int LEAVES = 1_000;
  private static final int PAYLOAD = 256;

  private StoreBench() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int pacedSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    Files.createDirectories(work);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("payloadBytes", PAYLOAD);
    result.put("messageBytes", messageBytes(message("leaf-0", 0, false)));
    paced(dir(work, "warmup"), 10);
    result.put("paced", paced(dir(work, "paced"), pacedSeconds));
    result.put("max", max(dir(work, "max"), 10));
    result.put("syncPerWrite1", rawSynced(dir(work, "raw1"), 1, 10));
    result.put("syncPerWrite16", rawSynced(dir(work, "raw16"), 16, 10));
    result.put("diskJson", disk(dir(work, "disk-json"), 100_000, false));
    result.put("diskRandom", disk(dir(work, "disk-random"), 100_000, true));
    String json = Json.write(result);
    System.out.println(json);
    if (args.length > 2) {
      Files.writeString(Path.of(args[2]), json + "\n", StandardCharsets.UTF_8);
    }
  }

  private static Map<String, Object> paced(Path dir, int seconds) throws Exception {
    try (ForwardStore store = ForwardStore.open(StoreSettings.builder().directory(dir).build())) {
      int total = seconds * LEAVES * 10;
      long[] latency = new long[total];
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong maxDepth = new AtomicLong();
      Thread upstream = drainer(store, stop, maxDepth);
      Cpu cpu = new Cpu();
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + i * 100_000L;
        if (i % 100 == 0) {
          // one wake-up per 10 ms tick for its 100 appends (not one per 100 µs: the producer's own cost stays small)
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        int n = i;
        String leaf = "leaf-" + (i % LEAVES);
        // from when it was due, or from when it was issued if that was earlier (a tick issues its 100 at once)
        long from = Math.min(due, System.nanoTime());
        store.append(leaf, message(leaf, i, false)).subscribe(s -> {
          latency[n] = System.nanoTime() - from;
          done.incrementAndGet();
        }, e -> {
          latency[n] = -1;
          failed.incrementAndGet();
          done.incrementAndGet();
        });
      }
      while (done.get() < total) {
        Thread.sleep(5);
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      stop.set(true);
      upstream.join();
      Map<String, Object> r = percentiles(latency);
      cpu.put(r, total);
      r.put("appends", total);
      r.put("appendsPerSecond", Math.round(total / elapsed));
      r.put("maxQueueDepth", maxDepth.get());
      r.put("failed", failed.get());
      print("paced " + LEAVES + " leaves x 10/s, " + seconds + " s", r);
      return r;
    }
  }

  private static Map<String, Object> max(Path dir, int seconds) throws Exception {
    try (ForwardStore store = ForwardStore.open(StoreSettings.builder().directory(dir).build())) {
      Semaphore window = new Semaphore(2_000);
      AtomicLong done = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      Thread upstream = drainer(store, stop, new AtomicLong());
      Cpu cpu = new Cpu();
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      int i = 0;
      while (System.nanoTime() < end) {
        window.acquire();
        String leaf = "leaf-" + (i % LEAVES);
        store.append(leaf, message(leaf, i++, false)).subscribe(s -> {
          done.incrementAndGet();
          window.release();
        }, e -> window.release());
      }
      window.acquire(2_000);
      double elapsed = (System.nanoTime() - start) / 1e9;
      stop.set(true);
      upstream.join();
      Map<String, Object> r = new LinkedHashMap<>();
      cpu.put(r, done.get());
      r.put("appends", done.get());
      r.put("appendsPerSecond", Math.round(done.get() / elapsed));
      print("max, 2,000 in flight", r);
      return r;
    }
  }

  private static Map<String, Object> rawSynced(Path dir, int writers, int seconds) throws Exception {
    RocksDB.loadLibrary();
    try (Options options = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(options, dir.toString());
        WriteOptions sync = new WriteOptions().setSync(true)) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<long[]> latencies = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      AtomicLong seq = new AtomicLong();
      for (int t = 0; t < writers; t++) {
        long[] mine = new long[2_000_000];
        latencies.add(mine);
        threads.add(new Thread(() -> {
          int n = 0;
          while (System.nanoTime() < end && n < mine.length) {
            long s = seq.incrementAndGet();
            String leaf = "leaf-" + (s % LEAVES);
            ForwardMessage m = message(leaf, s, false);
            byte[] key = (leaf + "/" + s).getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            try {
              db.put(sync, key, m.payload());
            } catch (RocksDBException e) {
              throw new IllegalStateException(e);
            }
            mine[n++] = System.nanoTime() - t0;
          }
          mine[mine.length - 1] = -n; // count, read below
        }));
      }
      long start = System.nanoTime();
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      List<Long> all = new ArrayList<>();
      for (long[] l : latencies) {
        int n = (int) -l[l.length - 1];
        for (int i = 0; i < n; i++) {
          all.add(l[i]);
        }
      }
      Map<String, Object> r = percentiles(all.stream().mapToLong(Long::longValue).toArray());
      r.put("writes", all.size());
      r.put("writesPerSecond", Math.round(all.size() / elapsed));
      print("RocksDB put sync=true, " + writers + " writer(s)", r);
      return r;
    }
  }

  private static Map<String, Object> disk(Path dir, int count, boolean random) {
    Map<String, Object> r = new LinkedHashMap<>();
    long content = 0;
    ForwardStore store = ForwardStore.open(StoreSettings.builder().directory(dir).build());
    for (int i = 0; i < count; i += 1_000) {
      List<io.reactivex.rxjava3.core.Single<StoredMessage>> batch = new ArrayList<>();
      for (int j = i; j < i + 1_000; j++) {
        String leaf = "leaf-" + (j % LEAVES);
        ForwardMessage m = message(leaf, j, random);
        content += messageBytes(m);
        batch.add(store.append(leaf, m).cache());
        batch.get(batch.size() - 1).subscribe((s, e) -> { });
      }
      batch.forEach(io.reactivex.rxjava3.core.Single::blockingGet);
    }
    r.put("messages", count);
    r.put("contentBytesPerMessage", content / count);
    r.put("recordBytesPerMessage", store.stats().bytes() / count);
    r.put("diskBytesPerMessageOpen", size(dir) / count);
    store.close();
    r.put("diskBytesPerMessageClosed", size(dir) / count);
    try (ForwardStore again = ForwardStore.open(StoreSettings.builder().directory(dir).build())) {
      r.put("messagesAfterReopen", again.stats().messages());
    }
    r.put("diskBytesPerMessageReopened", size(dir) / count);
    print("disk, " + count + (random ? " incompressible" : " JSON") + " messages queued", r);
    return r;
  }

  private static Thread drainer(ForwardStore store, AtomicBoolean stop, AtomicLong maxDepth) {
    Thread t = new Thread(() -> {
      while (!stop.get()) {
        maxDepth.accumulateAndGet(store.stats().messages(), Math::max);
        for (String leaf : store.devices()) {
          for (StoredMessage m : store.pending(leaf, 0, 100)) {
            store.delete(leaf, m.sequence());
          }
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "upstream");
    t.start();
    return t;
  }

  /** An IoT Hub-like telemetry message: id, the property bag a leaf sends, a 256-byte JSON (or random) payload. */
  static ForwardMessage message(String leaf, long i, boolean random) {
    byte[] payload = new byte[PAYLOAD];
    if (random) {
      new Random(i).nextBytes(payload);
    } else {
      Random r = new Random(i);
      String json = String.format(Locale.ROOT, "{\"deviceId\":\"%s\",\"seq\":%d,\"temperature\":%.2f,"
          + "\"humidity\":%.1f,\"pressure\":%.1f,\"battery\":%d,\"status\":\"ok\",\"note\":\"", leaf, i,
          15 + r.nextDouble() * 10, 30 + r.nextDouble() * 40, 990 + r.nextDouble() * 30, r.nextInt(100));
      byte[] head = json.getBytes(StandardCharsets.UTF_8);
      Arrays.fill(payload, (byte) 'x');
      System.arraycopy(head, 0, payload, 0, Math.min(head.length, PAYLOAD - 2));
      payload[PAYLOAD - 2] = '"';
      payload[PAYLOAD - 1] = '}';
    }
    return ForwardMessage.builder().messageId(String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", i, i))
        .property("$.ct", "application/json").property("$.ce", "utf-8").property("$.cdid", leaf)
        .property("room", "kitchen").property("alert", "false").payload(payload).build();
  }

  static long messageBytes(ForwardMessage m) {
    long n = m.payloadLength() + m.messageId().length();
    for (Map.Entry<String, String> e : m.properties().entrySet()) {
      n += e.getKey().length() + e.getValue().length();
    }
    return n;
  }

  private static Map<String, Object> percentiles(long[] nanos) {
    long[] ok = Arrays.stream(nanos).filter(l -> l >= 0).sorted().toArray();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("p50Ms", ms(ok, 0.50));
    r.put("p99Ms", ms(ok, 0.99));
    r.put("p999Ms", ms(ok, 0.999));
    r.put("maxMs", ok.length == 0 ? 0 : ok[ok.length - 1] / 1e6);
    return r;
  }

  private static double ms(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return Math.round(sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e3) / 1e3;
  }

  private static long size(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // a file RocksDB deleted while we walked
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CPU time of the process and of the store's writer thread since creation, per append: what load does not skew. */
  private static final class Cpu {
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    private final long process = os.getProcessCpuTime();
    private final long writer = writerCpu();

    private long writerCpu() {
      for (java.lang.management.ThreadInfo t : threads.dumpAllThreads(false, false)) {
        if (t.getThreadName().equals("rxiothub-store-writer")) {
          return threads.getThreadCpuTime(t.getThreadId());
        }
      }
      return 0;
    }

    void put(Map<String, Object> r, long appends) {
      r.put("processCpuUsPerAppend", Math.round((os.getProcessCpuTime() - process) / 100.0 / appends) / 10.0);
      r.put("writerCpuUsPerAppend", Math.round((writerCpu() - writer) / 100.0 / appends) / 10.0);
    }
  }

  private static Path dir(Path work, String name) throws IOException {
    Path dir = work.resolve(name);
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return dir;
  }

  private static void print(String what, Map<String, Object> r) {
    System.out.println(what + ": " + r);
  }
}
