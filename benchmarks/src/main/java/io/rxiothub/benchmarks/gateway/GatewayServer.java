// The field gateway of the benchmark, in its own JVM, so that its heap, threads and CPU are its own.
package io.rxiothub.benchmarks.gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.rxiothub.benchmarks.e2e.Bench;
import io.rxiothub.benchmarks.e2e.Json;
import io.rxiothub.gateway.Gateway;
import io.rxiothub.gateway.GatewayConfig;
import io.rxiothub.gateway.LeafDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code GatewayServer <hubHost> <hubPort> <hubCaFile> <leafPrefix> <leaves> <dataDir>}: a gateway (TLS listener on
 * a free port, durable store in {@code dataDir}) for leaves prefix0..n-1, all with the benchmark key; prints
 * {@code READY <tlsPort> <controlPort> <gateway CA file>} and serves {@code stats} (threads, heap after GC, queued
 * messages, JSON), {@code disk} (bytes of the store's directory), {@code cpu}, {@code dump <file>} (a live-heap
 * dump, for the heap attribution), {@code quit}.
 */
public final class GatewayServer {

  private GatewayServer() {}

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws Exception {
    Path data = Path.of(a[5]);
    int leaves = Integer.parseInt(a[4]);
    long heapBefore = Bench.heapAfterGc();
    int threadsBefore = Bench.threads();
    GatewayConfig.Builder b = GatewayConfig.builder()
        .tlsPort(0)
        .hub(a[0], Integer.parseInt(a[1]))
        .hubCaFile(Path.of(a[2]))
        .dataDirectory(data)
        // a backlog beyond the default 256 MiB would turn an overload into refusals: the run measures the overload
        .store(4L << 30, 7 * 24 * 3600, io.rxiothub.gateway.StoreOverflow.REJECT_NEW)
        .shutdownDrainMillis(2_000);
    for (int i = 0; i < leaves; i++) {
      b.leaf(LeafDevice.of(a[3] + i, Bench.KEY));
    }
    Gateway gateway = Gateway.start(b.build());
    Path ca = data.resolve("bench-gateway-ca.pem");
    Files.writeString(ca, gateway.caCertificatePem(), StandardCharsets.US_ASCII);
    ControlServer.serve(gateway.tlsPort(), ca.toString(), c -> switch (c[0]) {
      case "stats" -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threads", Bench.threads());
        m.put("heapAfterGc", Bench.heapAfterGc());
        m.put("queued", gateway.queuedMessages());
        m.put("heapBeforeStart", heapBefore);
        m.put("threadsBeforeStart", threadsBefore);
        m.put("threadGroups", Bench.threadGroups());
        yield "OK " + Json.write(m);
      }
      case "queued" -> "OK " + gateway.queuedMessages();
      case "disk" -> "OK " + bytes(data.resolve("store"));
      case "cpu" -> "OK " + Bench.processCpuNanos();
      case "dump" -> {
        dump(c[1]);
        yield "OK " + c[1];
      }
      default -> "ERR unknown command " + c[0];
    }, gateway::close);
  }

  private static void dump(String file) {
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot dump the heap to " + file, e);
    }
  }

  private static long bytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // deleted meanwhile (a compaction)
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
