// Opens and closes the RocksDB database of a durable store: its options (small memory, bounded log files) and the
// column families of protocol.md §19.2.
package io.rxiothub.gateway.store.internal;

import io.rxiothub.gateway.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * The database and its handles. Options chosen for a gateway on a small machine: 4 MiB memtables, an 8 MiB block
 * cache, at most 32 MiB of write-ahead log before the memtables are flushed (the log is then deleted), LZ4 for the
 * records, point-in-time recovery (a torn tail of the log after a crash is dropped, never half a batch), two info
 * log files of 1 MiB.
 */
final class RocksHandles implements AutoCloseable {

  static final byte[] MESSAGES = "messages".getBytes(StandardCharsets.UTF_8);
  static final byte[] ORDER = "order".getBytes(StandardCharsets.UTF_8);
  private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.UTF_8);
  /** Default column family: the next sequence to give (u64), so that a reopened store never reuses one. */
  static final byte[] NEXT_SEQUENCE_KEY = "next-sequence".getBytes(StandardCharsets.UTF_8);
  private static final byte[] FORMAT_VALUE = {RecordCodec.VERSION};

  static {
    RocksDB.loadLibrary();
  }

  final Path directory;
  final RocksDB db;
  final ColumnFamilyHandle messages;
  final ColumnFamilyHandle order;
  final WriteOptions noSync;
  final ColumnFamilyHandle defaults;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions recordOptions;
  private final ColumnFamilyOptions indexOptions;
  private final LRUCache cache;

  private RocksHandles(Path directory, RocksDB db, List<ColumnFamilyHandle> handles, DBOptions dbOptions,
      ColumnFamilyOptions recordOptions, ColumnFamilyOptions indexOptions, LRUCache cache) {
    this.directory = directory;
    this.db = db;
    this.defaults = handles.get(0);
    this.messages = handles.get(1);
    this.order = handles.get(2);
    this.dbOptions = dbOptions;
    this.recordOptions = recordOptions;
    this.indexOptions = indexOptions;
    this.cache = cache;
    this.noSync = new WriteOptions();
  }

  /** Opens (or makes) the database in the directory and checks its format. */
  static RocksHandles open(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (java.io.IOException e) {
      throw new StoreException("gateway store: cannot make the directory " + directory + ": " + e, e);
    }
    LRUCache cache = new LRUCache(8L * 1024 * 1024);
    DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setMaxTotalWalSize(32L * 1024 * 1024).setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL).setMaxLogFileSize(1024 * 1024).setKeepLogFileNum(2)
        .setMaxManifestFileSize(4L * 1024 * 1024).setStatsDumpPeriodSec(0).setMaxBackgroundJobs(2)
        .setMaxOpenFiles(256);
    ColumnFamilyOptions recordOptions = columnOptions(cache).setCompressionType(CompressionType.LZ4_COMPRESSION);
    ColumnFamilyOptions indexOptions = columnOptions(cache).setCompressionType(CompressionType.NO_COMPRESSION);
    List<ColumnFamilyDescriptor> descriptors = Arrays.asList(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, indexOptions),
        new ColumnFamilyDescriptor(MESSAGES, recordOptions),
        new ColumnFamilyDescriptor(ORDER, indexOptions));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db;
    try {
      db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      dbOptions.close();
      recordOptions.close();
      indexOptions.close();
      cache.close();
      throw new StoreException("gateway store: cannot open " + directory + " (" + e.getMessage()
          + "); is another process using it?", e);
    }
    RocksHandles h = new RocksHandles(directory, db, handles, dbOptions, recordOptions, indexOptions, cache);
    try {
      h.checkFormat();
    } catch (RuntimeException e) {
      h.close();
      throw e;
    }
    return h;
  }

  private static ColumnFamilyOptions columnOptions(LRUCache cache) {
    return new ColumnFamilyOptions().setWriteBufferSize(4L * 1024 * 1024).setMaxWriteBufferNumber(2)
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
  }

  private void checkFormat() {
    try {
      byte[] format = db.get(defaults, FORMAT_KEY);
      if (format == null) {
        db.put(defaults, FORMAT_KEY, FORMAT_VALUE);
        db.syncWal();
      } else if (!Arrays.equals(format, FORMAT_VALUE)) {
        throw new StoreException("gateway store " + directory + " has format " + (format.length == 1 ? format[0]
            : "?") + ", this rxiothub reads format " + RecordCodec.VERSION + ": written by a newer rxiothub?");
      }
    } catch (RocksDBException e) {
      throw new StoreException("gateway store: cannot read " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Returns the store's exception for a failed database call: it names the directory and what failed. */
  StoreException failure(String what, RocksDBException e) {
    return new StoreException("gateway store " + directory + ": " + what + " failed: " + e.getMessage(), e);
  }

  /** Throws the store's exception if the iterator stopped on an error rather than at the end. */
  void status(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw failure("reading", e);
    }
  }

  /** Syncs the log and closes everything. */
  @Override
  public void close() {
    try {
      db.syncWal();
    } catch (RocksDBException ignored) {
      // closing anyway; what was not synced is what a crash would lose: appends not yet acknowledged
    }
    noSync.close();
    defaults.close();
    messages.close();
    order.close();
    try {
      db.closeE();
    } catch (RocksDBException e) {
      throw new StoreException("gateway store: closing " + directory + " failed: " + e.getMessage(), e);
    } finally {
      dbOptions.close();
      recordOptions.close();
      indexOptions.close();
      cache.close();
    }
  }
}
