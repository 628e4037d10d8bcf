// The data dir's database (docs/service-api.md §17): RocksDB, one record per identity, twin, queued C2D message,
// policy and CA certificate, written through as the hub changes; read back in full when the emulator opens.
package io.rxiothub.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.rxiothub.emulator.DeviceIdentity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RocksDB in {@code {data dir}/hub-emulator-db}. Keys are a one-letter kind and the record's ids separated by
 * NUL (ids never hold NUL): {@code i} identity, {@code t} twin, {@code c} C2D message (device id, sequence),
 * {@code p} policy, {@code a} CA certificate (SHA-256 of its DER), and the service face's records
 * ({@link ServiceRecords}: {@code j} job, {@code r} a device's part of a job, {@code f} C2D feedback, {@code n} file
 * upload notification). Values are JSON (certificates: DER). Writes go to
 * the write-ahead log before they return (not fsynced: a killed process loses nothing, a machine that loses power
 * may lose the last writes; RocksDB's "Synchronous Writes"). Thread-safe.
 */
public final class StateDb implements StateLog, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StateDb.class);
  /** The folder inside the data dir. */
  public static final String FOLDER = "hub-emulator-db";

  private final Path folder;
  private final Options options;
  private final LRUCache cache;
  private final WriteOptions writes;
  private final RocksDB db;
  /** Writes hold it shared, close exclusively: a write never reaches a closed handle (native memory freed). */
  private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
  private boolean closed;

  private StateDb(Path folder, Options options, LRUCache cache, WriteOptions writes, RocksDB db) {
    this.folder = folder;
    this.options = options;
    this.cache = cache;
    this.writes = writes;
    this.db = db;
  }

  /**
   * Opens (or creates) the database in {@code dataDir}, readable by its owner only.
   *
   * @throws IllegalStateException if it cannot be opened, e.g. another emulator has this data dir open
   */
  public static StateDb open(Path dataDir) {
    Path folder = dataDir.resolve(FOLDER);
    try {
      Files.createDirectories(folder);
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: leave the defaults.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the emulator's database folder " + folder, e);
    }
    RocksDB.loadLibrary();
    // Small buffers: an emulator's registry is megabytes, and RocksDB's defaults (64 MB memtable) are for servers.
    LRUCache cache = new LRUCache(8L << 20);
    Options options = new Options()
        .setCreateIfMissing(true)
        .setWriteBufferSize(4L << 20)
        .setMaxWriteBufferNumber(2)
        .setKeepLogFileNum(2)
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
    WriteOptions writes = new WriteOptions().setSync(false);
    try {
      return new StateDb(folder, options, cache, writes, RocksDB.open(options, folder.toString()));
    } catch (RocksDBException e) {
      writes.close();
      options.close();
      cache.close();
      String why = String.valueOf(e.getMessage());
      throw new IllegalStateException("cannot open the emulator's database " + folder + ": " + why
          + (why.contains("lock") ? " (is another emulator running with this data dir?)" : ""), e);
    }
  }

  /** Whether {@code dataDir} already holds a database. */
  public static boolean exists(Path dataDir) {
    return Files.exists(dataDir.resolve(FOLDER).resolve("CURRENT"));
  }

  /**
   * Reads every record into {@code core} (policies, identities in creation order, twins, CA certificates, queued
   * C2D messages; those expired by the core's clock expire at once). Call before {@link #attach}.
   *
   * @throws IllegalStateException if a record cannot be read
   */
  public void load(HubCore core) {
    List<JsonNode> identities = new ArrayList<>();
    List<JsonNode> c2d = new ArrayList<>();
    RegistryStore registry = core.registry();
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String[] key = new String(it.key(), StandardCharsets.UTF_8).split("\0", -1);
        byte[] value = it.value();
        switch (key[0]) {
          case "p" -> registry.putPolicy(key[1], new String(value, StandardCharsets.UTF_8));
          case "i" -> identities.add(StateRecords.JSON.readTree(value));
          case "t" -> core.twins().restore(new Identity(key[1], key[2].isEmpty() ? null : key[2]),
              new String(value, StandardCharsets.UTF_8));
          case "c" -> c2d.add(StateRecords.JSON.readTree(value));
          case "a" -> registry.addCertificateAuthority(certificate(value));
          case "j", "r", "f", "n" -> core.records().restore(
              new ServiceRecords.Key(key[0].charAt(0), key[1], key[2]), value);
          default -> LOG.warn("hub emulator: ignored an unknown record kind '{}' in {}", key[0], folder);
        }
      }
      it.status();
    } catch (RocksDBException | IOException | CertificateException | RuntimeException e) {
      throw new IllegalStateException("cannot read the emulator's database " + folder + ": " + e.getMessage(), e);
    }
    identities.sort(Comparator.comparingLong(node -> node.path("order").asLong()));
    for (JsonNode node : identities) {
      registry.restore(StateRecords.identity(node, core.hostName()), StateRecords.meta(node));
    }
    c2d.sort(Comparator.comparingLong(node -> node.path("sequence").asLong()));
    for (JsonNode node : c2d) {
      core.c2d().restore(StateRecords.c2d(node, 0));
    }
    LOG.info("hub emulator: loaded {} identities and {} queued C2D messages from {}", identities.size(), c2d.size(),
        folder);
  }

  /** Writes every record of {@code core} (an import of the old state file), then logs every later change. */
  public void writeAll(HubCore core) {
    List<DeviceIdentity> identities = core.registry().list();
    for (int i = 0; i < identities.size(); i++) {
      DeviceIdentity identity = identities.get(i);
      identity(identity, core.registry().meta(new Identity(identity.deviceId(), identity.moduleId())), i);
    }
    core.registry().policies().forEach(this::policy);
    core.registry().certificateAuthorities().forEach(ca -> authority(ca, true));
    for (Map.Entry<String, String> twin : core.twins().snapshot().entrySet()) {
      Identity identity = Identity.fromClientId(twin.getKey());
      if (identity != null) {
        twin(identity, twin.getValue());
      }
    }
    core.c2d().pending().forEach(this::c2d);
    flush();
  }

  /** Sends every later change of {@code core} here. */
  public void attach(HubCore core) {
    core.registry().log(this);
    core.twins().log(this);
    core.c2d().log(this);
    core.records().log(this);
  }

  /** Writes the log to disk and syncs it. */
  public void flush() {
    open.readLock().lock();
    try {
      requireOpen();
      db.flushWal(true);
    } catch (RocksDBException e) {
      throw failed("sync", e);
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public void identity(DeviceIdentity identity, IdentityMeta meta, long order) {
    put(key("i", identity.deviceId(), identity.moduleId()), json(StateRecords.identity(identity, meta, order)));
  }

  @Override
  public void identitiesRemoved(List<Identity> removed) {
    try (WriteBatch batch = new WriteBatch()) {
      for (Identity identity : removed) {
        batch.delete(key("i", identity.deviceId(), identity.moduleId()));
        batch.delete(key("t", identity.deviceId(), identity.moduleId()));
        if (identity.moduleId() == null) {
          byte[] from = key("c", identity.deviceId(), null);
          byte[] to = from.clone();
          to[to.length - 1] = 1; // every "c\0{device}\0{sequence}"
          batch.deleteRange(from, to);
        }
      }
      write(batch);
    } catch (RocksDBException e) {
      throw failed("delete from", e);
    }
  }

  @Override
  public void record(ServiceRecords.Key key, byte[] value) {
    put(key(String.valueOf(key.kind()), key.id(), key.subId()), value);
  }

  @Override
  public void recordsRemoved(List<ServiceRecords.Key> keys) {
    try (WriteBatch batch = new WriteBatch()) {
      for (ServiceRecords.Key key : keys) {
        batch.delete(key(String.valueOf(key.kind()), key.id(), key.subId()));
      }
      write(batch);
    } catch (RocksDBException e) {
      throw failed("delete from", e);
    }
  }

  private void write(WriteBatch batch) {
    open.readLock().lock();
    try {
      requireOpen();
      db.write(writes, batch);
    } catch (RocksDBException e) {
      throw failed("write to", e);
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public void twin(Identity identity, String serviceView) {
    put(key("t", identity.deviceId(), identity.moduleId()), serviceView.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void twinRemoved(Identity identity) {
    delete(key("t", identity.deviceId(), identity.moduleId()));
  }

  @Override
  public void c2d(C2dEntry entry) {
    put(key("c", entry.deviceId(), String.format(Locale.ROOT, "%019d", entry.sequence())),
        json(StateRecords.c2d(entry)));
  }

  @Override
  public void c2dRemoved(C2dEntry entry) {
    delete(key("c", entry.deviceId(), String.format(Locale.ROOT, "%019d", entry.sequence())));
  }

  @Override
  public void policy(String name, String key) {
    put(key("p", name, null), key.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void authority(X509Certificate certificate, boolean registered) {
    try {
      byte[] der = certificate.getEncoded();
      byte[] key = key("a", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)), null);
      if (registered) {
        put(key, der);
      } else {
        delete(key);
      }
    } catch (CertificateException | NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("cannot store the CA certificate: " + e.getMessage(), e);
    }
  }

  private static byte[] key(String kind, String first, @org.jspecify.annotations.Nullable String second) {
    return (kind + "\0" + first + "\0" + (second == null ? "" : second)).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] json(JsonNode node) {
    try {
      return StateRecords.JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate certificate(byte[] der) throws CertificateException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
  }

  private void put(byte[] key, byte[] value) {
    open.readLock().lock();
    try {
      requireOpen();
      db.put(writes, key, value);
    } catch (RocksDBException e) {
      throw failed("write to", e);
    } finally {
      open.readLock().unlock();
    }
  }

  private void delete(byte[] key) {
    open.readLock().lock();
    try {
      requireOpen();
      db.delete(writes, key);
    } catch (RocksDBException e) {
      throw failed("delete from", e);
    } finally {
      open.readLock().unlock();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the emulator is closed: the change was not saved to " + folder);
    }
  }

  private IllegalStateException failed(String what, RocksDBException e) {
    return new IllegalStateException("cannot " + what + " the emulator's database " + folder + ": " + e.getMessage(),
        e);
  }

  /** Syncs and closes the database; later changes fail with IllegalStateException. Idempotent. */
  @Override
  public void close() {
    open.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        db.flushWal(true);
        db.closeE();
      } catch (RocksDBException e) {
        LOG.warn("hub emulator: could not close its database {}: {}", folder, e.getMessage());
      }
      writes.close();
      options.close();
      cache.close();
    } finally {
      open.writeLock().unlock();
    }
  }
}
