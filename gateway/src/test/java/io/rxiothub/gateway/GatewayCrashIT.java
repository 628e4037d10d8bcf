// The gateway killed with SIGKILL mid-stream and restarted on the same data directory (issue 20, protocol.md §18.1,
// §19.4): every message the leaf got a PUBACK for reaches the hub with its message id, in order per device; the only
// duplicates are the restarted gateway's resends of what the hub had not acknowledged before the kill.
package io.rxiothub.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.testing.ChildJvm;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayCrashIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  /** PUBACKs the leaf got after the upstream partition, before the kill: queued in the store only. */
  private static final int QUEUED_BEFORE_KILL = 300;
  /** Messages the hub captured before the kill: above the gateway's window of 256, so some were acknowledged. */
  private static final int UPSTREAM_BEFORE_KILL = 300;

  @Test
  void everyAcknowledgedMessageReachesTheHubAfterSigkillAndRestartInOrder(HubEmulator hub, @TempDir Path dir)
      throws Exception {
    DeviceIdentity leaf = HUB.createDevice("crash-" + Long.toString(System.nanoTime(), 36));
    // The upstream is slowed: the hub captures each message at once and acknowledges it 300 ms later; then it is
    // partitioned: at the kill the store has had messages acknowledged upstream (deleted), sent and not acknowledged
    // (sent again after the restart: the duplicates), and not sent at all.
    hub.faults().delayPubacks(leaf.deviceId(), Duration.ofMillis(300));
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    long t0 = System.nanoTime();
    ChildJvm first = child(hub, leaf, dir);
    ChildJvm second = null;
    DeviceClient client = null;
    AtomicBoolean stop = new AtomicBoolean();
    try {
      client = leafClient(leaf, ready(first), dir);
      long t1 = System.nanoTime();
      client.connect().blockingAwait(30, TimeUnit.SECONDS);
      Thread sender = sender(client, acked, stop);

      await().atMost(Duration.ofSeconds(60)).until(() -> hub.telemetry(leaf.deviceId()).size() >= UPSTREAM_BEFORE_KILL);
      // Then the upstream is partitioned (a blackhole): what the leaf sends now is stored and acknowledged, not sent.
      hub.faults().partition(leaf.deviceId());
      int ackedAtPartition = acked.size();
      await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= ackedAtPartition + QUEUED_BEFORE_KILL);
      // at most the leaf's window of 64 beyond what it had acknowledged can have been in transit at the partition
      int atPartitionLastAcked = ackedAtPartition + 64 + 64;
      // SIGKILL mid-stream: no shutdown hook, no drain, no close of the store
      first.kill();
      assertThat(first.awaitExit(Duration.ofSeconds(30))).as("killed by SIGKILL").isEqualTo(137);
      stop.set(true);
      sender.join(30_000);
      client.close();
      client = null;
      Set<Integer> mustArrive = new HashSet<>(acked); // no PUBACK can come any more
      hub.faults().delayPubacks(leaf.deviceId(), Duration.ZERO);
      hub.faults().heal(leaf.deviceId());
      List<Integer> beforeRestart = indices(hub, leaf);
      assertThat(beforeRestart).as("acknowledged to the leaf, kept in the store only").doesNotContainAnyElementsOf(
          mustArrive.stream().filter(i -> i > atPartitionLastAcked).toList());

      long t2 = System.nanoTime();
      second = child(hub, leaf, dir);
      ready(second);
      long t3 = System.nanoTime();

      await().atMost(Duration.ofSeconds(90)).until(() -> indices(hub, leaf).containsAll(mustArrive));
      List<Integer> got = indices(hub, leaf);
      System.out.printf("GatewayCrashIT: %d PUBACKs to the leaf (%d after the partition), %d at the hub before the"
          + " restart, %d after it (%d distinct); first start %d ms, to the kill %d ms, restart %d ms, to all %d ms%n",
          mustArrive.size(), mustArrive.size() - ackedAtPartition, beforeRestart.size(), got.size(),
          new HashSet<>(got).size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
          (System.nanoTime() - t3) / 1_000_000);
      assertThat(got.size()).as("the restarted gateway sent what the store kept").isGreaterThan(beforeRestart.size());
      // Before the kill: each once, in order. After the restart: from the store's head, in order. So the indices
      // rise, fall back once (where the resends begin: the duplicates), and rise again.
      int resendsStart = firstFall(got, 1);
      if (resendsStart > 0) {
        assertThat(firstFall(got, resendsStart + 1)).as("one fall back only, at " + resendsStart + ": " + got)
            .isEqualTo(-1);
        int lastBefore = got.get(resendsStart - 1);
        assertThat(got.subList(resendsStart, got.size()).stream().filter(i -> i <= lastBefore).toList())
            .as("the duplicates: resends of what the hub had before the kill")
            .isSubsetOf(got.subList(0, resendsStart));
      }
    } finally {
      stop.set(true);
      if (client != null) {
        client.close();
      }
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  /** The index of the first message not above the one before it, from {@code from} on; -1 if they all rise. */
  private static int firstFall(List<Integer> indices, int from) {
    for (int i = Math.max(from, 1); i < indices.size(); i++) {
      if (indices.get(i) <= indices.get(i - 1)) {
        return i;
      }
    }
    return -1;
  }

  private static List<Integer> indices(HubEmulator hub, DeviceIdentity leaf) {
    List<Integer> out = new ArrayList<>();
    for (var m : hub.telemetry(leaf.deviceId())) {
      out.add(Integer.parseInt(m.systemProperties().get("$.mid").substring(2)));
    }
    return out;
  }

  /** Sends "k-0", "k-1", … with up to 64 unacknowledged, noting each PUBACK, until {@code stop}. */
  private static Thread sender(DeviceClient client, Set<Integer> acked, AtomicBoolean stop) {
    Semaphore window = new Semaphore(64);
    Thread sender = new Thread(() -> {
      try {
        for (int i = 0; !stop.get(); ) {
          if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            continue;
          }
          int n = i++;
          client.send(Message.builder().payload(new byte[] {(byte) n}).messageId("k-" + n).build())
              .subscribe(() -> {
                acked.add(n);
                window.release();
              }, error -> window.release());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "crash-it-leaf");
    sender.setDaemon(true);
    sender.start();
    return sender;
  }

  private static ChildJvm child(HubEmulator hub, DeviceIdentity leaf, Path dir) throws Exception {
    // C1 only and the serial collector: the child starts in a few seconds on a loaded machine, and runs briefly
    return ChildJvm.builder(GatewayCrashChild.class).jvmOptions("-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC").args(dir.toString(), hub.hostName(), Integer.toString(hub.mqttPort()),
        hub.caFile().toString(), leaf.deviceId()).env("LEAF_KEY", leaf.primaryKey()).start();
  }

  /** Waits for the child's READY line; returns its TLS port. */
  private static int ready(ChildJvm child) throws Exception {
    return Integer.parseInt(child.awaitLine("READY ", Duration.ofSeconds(120)).substring(6).trim());
  }

  /** The leaf's connection string pointed at the child gateway, trusting the CA it keeps in the data directory. */
  private static DeviceClient leafClient(DeviceIdentity leaf, int port, Path dir) throws Exception {
    X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(Files.readAllBytes(dir.resolve("tls").resolve("gateway-ca.pem"))));
    return DeviceClient.builder()
        .connectionString(leaf.connectionString() + ";GatewayHostName=localhost")
        .port(port)
        .trustedCertificates(ca)
        .reconnectBackoff(50, 500)
        .build();
  }
}
