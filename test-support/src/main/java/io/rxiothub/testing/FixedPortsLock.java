// The machine-wide lock a test holds while it binds the fixed ports the official SDKs dial whatever is configured
// (8883, 443): builds of several worktrees share one machine, and two such tests at once fail with "Address already
// in use". One helper, so every such test takes the same file the same way.
package io.rxiothub.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * A held {@code /tmp/rxiothub-fixed-ports.lock} (an OS file lock, so it is released if the JVM dies).
 * {@link #acquire()} waits while another process holds it; {@link #close()} releases it. Take it before starting
 * anything on 8883 or 443 and close it after that has stopped.
 */
public final class FixedPortsLock implements AutoCloseable {

  /** The lock file every fixed-port test of every module takes. */
  public static final Path PATH = Paths.get("/tmp/rxiothub-fixed-ports.lock");

  private final FileChannel file;
  private final FileLock lock;

  private FixedPortsLock(FileChannel file, FileLock lock) {
    this.file = file;
    this.lock = lock;
  }

  /**
   * Returns the lock once held, waiting (without bound, as the holder's own time-outs bound it) while another
   * process holds it; says so on stderr when it has to wait, so a stalled build shows why.
   */
  public static FixedPortsLock acquire() throws IOException {
    return acquire(PATH);
  }

  /** {@link #acquire()} on another file, for this class's own test. */
  static FixedPortsLock acquire(Path path) throws IOException {
    FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = file.tryLock();
      if (lock == null) {
        System.err.println("Waiting for " + path + ": another test holds the fixed ports 8883/443");
        lock = file.lock();
      }
      return new FixedPortsLock(file, lock);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /**
   * The end of a fixed-port test class: closes {@code first} in order (nulls skipped: what its setup never
   * started), then releases {@code lock} (if it was taken) whatever they threw, so that a failing close never keeps
   * the ports of every other build waiting. The first failure is thrown, with the later ones suppressed in it.
   */
  public static void closeThenRelease(@Nullable FixedPortsLock lock, @Nullable AutoCloseable... first)
      throws Exception {
    Exception failure = null;
    for (AutoCloseable c : first) {
      failure = closeQuietly(c, failure);
    }
    failure = closeQuietly(lock, failure);
    if (failure != null) {
      throw failure;
    }
  }

  private static @Nullable Exception closeQuietly(@Nullable AutoCloseable c, @Nullable Exception failure) {
    if (c == null) {
      return failure;
    }
    try {
      c.close();
      return failure;
    } catch (Exception e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
      return failure;
    }
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      file.close();
    }
  }
}
