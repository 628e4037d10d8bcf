// The emulator's one store on disk: the data dir (or a temporary folder when there is none) with the TLS material,
// the CA certificate file users trust, and hub-emulator-db (registry, policies, twins, CAs, queued C2D: StateDb).
package io.rxiothub.emulator.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files of one emulator. Without a data dir only the CA file is written, to a temporary folder deleted on
 * {@link #close}. The state and TLS files hold keys: they are made readable by their owner only.
 */
public final class DataDir implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DataDir.class);

  private final @Nullable Path dir;
  private final @Nullable Path tempDir;
  private final Path caFile;
  private volatile @Nullable StateDb db;

  private DataDir(@Nullable Path dir, @Nullable Path tempDir) {
    this.dir = dir;
    this.tempDir = tempDir;
    this.caFile = (dir != null ? dir : tempDir).resolve("hub-emulator-ca.pem");
  }

  /**
   * Opens {@code dir} (created if missing), or a temporary folder when it is null.
   *
   * @throws UncheckedIOException if the folder cannot be created
   */
  public static DataDir open(@Nullable Path dir) {
    try {
      if (dir != null) {
        Files.createDirectories(dir);
        return new DataDir(dir, null);
      }
      return new DataDir(null, Files.createTempDirectory("rxiothub-hub-ca-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the emulator's data folder", e);
    }
  }

  /** The CA certificate file (written by {@link #tls}). */
  public Path caFile() {
    return caFile;
  }

  /**
   * The TLS material: read from {@code materialFile} when given; else kept in the data dir and reissued at
   * {@code now} when its server certificate no longer covers {@code certificateNames} or expires within a day;
   * else generated at {@code now}. Writes the CA certificate file.
   *
   * @throws UncheckedIOException if the CA file cannot be written
   */
  public TlsMaterial tls(@Nullable Path materialFile, Set<String> certificateNames, Instant now) {
    TlsMaterial tls = loadOrCreateTls(materialFile, certificateNames, now);
    try {
      Files.writeString(caFile, tls.caCertificatePem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the CA certificate to " + caFile, e);
    }
    return tls;
  }

  private TlsMaterial loadOrCreateTls(@Nullable Path materialFile, Set<String> certificateNames, Instant now) {
    Set<String> dns = new LinkedHashSet<>();
    Set<String> ips = new LinkedHashSet<>();
    for (String name : certificateNames) {
      if (name.matches("[0-9.]+") || name.contains(":")) {
        ips.add(name);
      } else {
        dns.add(name);
      }
    }
    ips.add("127.0.0.1");
    if (materialFile != null) {
      return TlsMaterial.read(materialFile);
    }
    if (dir == null) {
      return TlsMaterial.generate(dns, ips, now);
    }
    Path file = dir.resolve("hub-emulator-tls.pem");
    if (!Files.exists(file)) {
      TlsMaterial fresh = TlsMaterial.generate(dns, ips, now);
      fresh.write(file);
      return fresh;
    }
    TlsMaterial stored = TlsMaterial.read(file);
    if (stored.covers(dns, ips, now)) {
      return stored;
    }
    TlsMaterial reissued = stored.reissue(dns, ips, now);
    reissued.write(file);
    return reissued;
  }

  /**
   * Restores the state of {@code core} from the data dir's database, first importing an old
   * {@code hub-emulator-state.json} (the emulator's format before the database; renamed to
   * {@code hub-emulator-state.json.imported} once imported), and from then on writes every change of the core
   * through to the database. Without a data dir the state lives in memory only.
   *
   * @throws IllegalStateException if the database or the old file cannot be read or opened
   */
  public void load(HubCore core) {
    if (dir == null) {
      return;
    }
    StateDb opened = StateDb.open(dir);
    db = opened;
    opened.load(core);
    Path legacy = stateFile();
    if (legacy != null && Files.exists(legacy)) {
      LegacyStateFile.load(legacy, core);
      opened.writeAll(core);
      try {
        Files.move(legacy, legacy.resolveSibling(legacy.getFileName() + ".imported"),
            StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("imported " + legacy + " into the database but cannot rename it", e);
      }
      LOG.info("hub emulator: imported {} into its database", legacy);
    }
    opened.attach(core);
  }

  private @Nullable Path stateFile() {
    return dir == null ? null : dir.resolve("hub-emulator-state.json");
  }

  /** Closes the database; deletes the temporary folder and its CA file, if this store made one. */
  @Override
  public void close() {
    StateDb opened = db;
    if (opened != null) {
      opened.close();
    }
    if (tempDir == null) {
      return;
    }
    try {
      Files.deleteIfExists(caFile);
      Files.deleteIfExists(tempDir);
    } catch (IOException e) {
      LOG.debug("hub emulator: could not delete {}: {}", tempDir, e.toString());
    }
  }
}
