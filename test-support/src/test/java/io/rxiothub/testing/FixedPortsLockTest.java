// FixedPortsLock against another process (a child JVM): the lock is the OS's, so it excludes other JVMs, is
// released by close, and is freed when its holder dies.
package io.rxiothub.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class FixedPortsLockTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Tries the lock file named by its argument: prints FREE or HELD; with "hold", takes it and keeps it. */
  public static final class Prober {
    public static void main(String[] args) throws Exception {
      try (FileChannel file = FileChannel.open(Paths.get(args[0]), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FileLock lock = file.tryLock();
        System.out.println(lock == null ? "HELD" : "FREE");
        System.out.flush();
        if (lock != null && args.length > 1 && args[1].equals("hold")) {
          Thread.sleep(120_000);
        }
      }
    }
  }

  @Test
  void excludesAnotherProcessUntilClosed(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("ports.lock");
    try (FixedPortsLock held = FixedPortsLock.acquire(path)) {
      assertThat(probe(path)).isEqualTo("HELD");
    }
    assertThat(probe(path)).isEqualTo("FREE");
  }

  @Test
  void waitsWhileAnotherProcessHoldsItAndGetsItWhenThatProcessDies(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("ports.lock");
    try (ChildJvm holder = ChildJvm.builder(Prober.class).args(path.toString(), "hold").start()) {
      assertThat(holder.nextLine(WAIT)).isEqualTo("FREE");
      CompletableFuture<FixedPortsLock> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return FixedPortsLock.acquire(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
      holder.kill();
      waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).close();
    }
  }

  @Test
  void closeThenReleaseClosesInOrderSkipsNullsAndReleasesEvenWhenACloseFails(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("ports.lock");
    List<String> closed = new ArrayList<>();
    IOException first = new IOException("hub did not stop");
    IllegalStateException second = new IllegalStateException("gateway did not stop");
    FixedPortsLock held = FixedPortsLock.acquire(path);

    assertThatThrownBy(() -> FixedPortsLock.closeThenRelease(held, () -> {
      closed.add("gateway");
      throw first;
    }, null, () -> {
      closed.add("hub");
      throw second;
    })).isSameAs(first).satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));

    assertThat(closed).containsExactly("gateway", "hub");
    assertThat(probe(path)).as("released").isEqualTo("FREE");
    FixedPortsLock.closeThenRelease(null, (AutoCloseable) null); // a setup that failed before taking the lock
  }

  private static String probe(Path path) throws Exception {
    try (ChildJvm child = ChildJvm.builder(Prober.class).args(path.toString()).start()) {
      return child.nextLine(WAIT);
    }
  }
}
