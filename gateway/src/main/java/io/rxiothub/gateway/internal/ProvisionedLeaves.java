// The assignments of the leaves provisioned through DPS, kept in the data directory so that a restart does not
// register them again (protocol.md §18.5). No secret: a leaf's key is derived from the group key each time.
package io.rxiothub.gateway.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Registration id → assigned hub; in a properties file replaced atomically on each change, or in memory only. */
public final class ProvisionedLeaves {

  /** The file's name in the data directory. */
  public static final String FILE_NAME = "provisioned-leaves.properties";

  private final @Nullable Path file;
  private final Map<String, String> hubs = new TreeMap<>();

  private ProvisionedLeaves(@Nullable Path file) {
    this.file = file;
  }

  /** Opens the assignments kept in {@code dataDirectory} (none yet if the file does not exist), or in memory. */
  public static ProvisionedLeaves open(@Nullable Path dataDirectory) {
    ProvisionedLeaves leaves = new ProvisionedLeaves(dataDirectory == null ? null : dataDirectory.resolve(FILE_NAME));
    Path file = leaves.file;
    if (file != null && Files.exists(file)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException("cannot read the provisioned leaves in " + file + ": " + e.getMessage()
            + " (delete the file to provision them again)", e);
      }
      for (String id : p.stringPropertyNames()) {
        leaves.hubs.put(id, p.getProperty(id));
      }
    }
    return leaves;
  }

  /** The assignments: registration id (the leaf's device id) → the hub DPS assigned it to. */
  public synchronized Map<String, String> all() {
    return new LinkedHashMap<>(hubs);
  }

  /** Keeps that {@code registrationId} was assigned to {@code hub}; durable when this returns. */
  public synchronized void put(String registrationId, String hub) {
    hubs.put(registrationId, hub);
    Path target = file;
    if (target == null) {
      return;
    }
    Properties p = new Properties();
    p.putAll(hubs);
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      p.store(bytes, "leaves provisioned through DPS by rxiothub gateway: registration id = assigned hub");
      Files.createDirectories(target.getParent());
      Path temp = target.resolveSibling(FILE_NAME + ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(ByteBuffer.wrap(bytes.toByteArray()));
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the provisioned leaves to " + target, e);
    }
  }
}
