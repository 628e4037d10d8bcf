// The durable store on RocksDB: records and the order index (protocol.md §19.2), limits and expiry under one lock,
// appends group-committed by GroupCommit.
package io.rxiothub.gateway.store.internal;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.OverflowPolicy;
import io.rxiothub.gateway.store.StoreException;
import io.rxiothub.gateway.store.StoreFullException;
import io.rxiothub.gateway.store.StoreSettings;
import io.rxiothub.gateway.store.StoreStats;
import io.rxiothub.gateway.store.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * A {@link ForwardStore} in a directory. One lock guards the counters and every write but the sync (the writer thread
 * holds it while it writes a whole group as one batch); reads of a queue run outside it. The bookkeeping (Ledger:
 * counters, lower bounds of the live sequences, rebuilt at open) and the removals that search the database (Removals:
 * expiry, the overflow policy's drop) live beside it, under the same lock.
 */
final class RocksForwardStore implements ForwardStore, GroupCommit.Writer {

  private final StoreSettings settings;
  private final RocksHandles h;
  private final Object lock = new Object();
  /** Held to read by every operation while it uses the database, to write by close: no handle closes under a read. */
  private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
  /** Guarded by {@code lock}, but for its lock-free count of a device's lost records. */
  private final Ledger ledger;
  /** Runs under {@code lock} only. */
  private final Removals removals;
  private final GroupCommit commit;
  private boolean closed;

  private RocksForwardStore(StoreSettings settings, RocksHandles h) {
    this.settings = settings;
    this.h = h;
    this.ledger = Ledger.recover(h);
    this.removals = new Removals(h, ledger, Ages.millis(settings.maxAge()));
    this.commit = new GroupCommit(this, h.directory.toString());
  }

  static ForwardStore open(StoreSettings settings) {
    RocksHandles h = RocksHandles.open(Objects.requireNonNull(settings.directory()));
    try {
      return new RocksForwardStore(settings, h);
    } catch (RuntimeException e) {
      h.close();
      throw e;
    }
  }

  @Override
  @CheckReturnValue
  public Single<StoredMessage> append(String deviceId, ForwardMessage message) {
    Args.deviceId(deviceId);
    RecordCodec.deviceIdBytes(deviceId);
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    return Single.create(emitter -> commit.submit(deviceId, message, emitter));
  }

  @Override
  public void writeGroup(List<GroupCommit.Job> jobs) {
    open.readLock().lock();
    try {
      synchronized (lock) {
        removals.expire(settings.clock().millis());
        List<Staged> staged = new ArrayList<>();
        try (WriteBatch batch = new WriteBatch()) {
          try {
            for (GroupCommit.Job job : jobs) {
              try {
                job.written = stage(batch, staged, job);
              } catch (StoreException e) {
                job.error = e;
              }
            }
            flush(batch, staged);
          } catch (RocksDBException e) {
            StoreException failed = h.failure("writing " + staged.size() + " records", e);
            for (Staged st : staged) {
              ledger.undoAdd(st.deviceId, st.size);
              st.job.written = null;
              st.job.error = failed;
            }
          }
        }
      }
    } finally {
      open.readLock().unlock();
    }
  }

  /** Adds one record to the batch under the limits; a drop first writes what the batch holds (victims are read). */
  private StoredMessage stage(WriteBatch batch, List<Staged> staged, GroupCommit.Job job) throws RocksDBException {
    String deviceId = job.deviceId;
    ForwardMessage message = job.message;
    long now = settings.clock().millis();
    byte[] id = RecordCodec.deviceIdBytes(deviceId);
    long seq = ledger.nextSequence;
    byte[] key = RecordCodec.key(id, seq);
    byte[] value = RecordCodec.value(now, message);
    long size = (long) key.length + value.length;
    long max = settings.maxBytes();
    if (size > max || (ledger.tally.bytes() + size > max && settings.overflow() == OverflowPolicy.REJECT_NEW)) {
      throw new StoreFullException(max, ledger.tally.bytes(), size, settings.overflow());
    }
    if (ledger.tally.bytes() + size > max) {
      flush(batch, staged);
      while (ledger.tally.bytes() + size > max) {
        removals.dropOldestOfFullest();
      }
    }
    batch.put(h.messages, key, value);
    batch.put(h.order, RecordCodec.orderKey(seq), OrderEntry.encode(now, size, id));
    ledger.added(deviceId, seq, size);
    StoredMessage stored = StoredMessage.of(seq, deviceId, Instant.ofEpochMilli(now), message);
    staged.add(new Staged(job, deviceId, size));
    return stored;
  }

  /** Writes the batch (not synced) with the next sequence, and empties it. */
  private void flush(WriteBatch batch, List<Staged> staged) throws RocksDBException {
    if (batch.count() == 0) {
      return;
    }
    batch.put(h.defaults, RocksHandles.NEXT_SEQUENCE_KEY, RecordCodec.orderKey(ledger.nextSequence));
    h.db.write(h.noSync, batch);
    batch.clear();
    staged.clear();
  }

  @Override
  public void sync() {
    open.readLock().lock();
    try {
      h.db.syncWal();
    } catch (RocksDBException e) {
      throw h.failure("syncing the log", e);
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public List<StoredMessage> pending(String deviceId, long afterSequence, int max) {
    Args.deviceId(deviceId);
    Args.window(afterSequence, max);
    open.readLock().lock();
    try {
      long head;
      synchronized (lock) {
        checkOpen();
        removals.expire(settings.clock().millis());
        Long known = ledger.heads.get(deviceId);
        if (known == null) {
          return new ArrayList<>();
        }
        head = known;
      }
      // read outside the lock: appends and deletes go on meanwhile (the iterator sees one consistent state)
      List<StoredMessage> out = new ArrayList<>();
      byte[] id = RecordCodec.deviceIdBytes(deviceId);
      byte[] prefix = RecordCodec.prefix(id);
      try (RocksIterator it = h.db.newIterator(h.messages)) {
        for (it.seek(RecordCodec.key(id, Math.max(afterSequence + 1, head)));
            it.isValid() && out.size() < max && RecordCodec.startsWith(it.key(), prefix); it.next()) {
          out.add(RecordCodec.decode(it.key(), it.value()));
        }
        h.status(it);
      }
      if (!out.isEmpty() && afterSequence < head) {
        synchronized (lock) {
          Long current = ledger.heads.get(deviceId);
          if (current != null && current < out.get(0).sequence()) {
            ledger.heads.put(deviceId, out.get(0).sequence());
          }
        }
      }
      return out;
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public boolean delete(String deviceId, long sequence) {
    Args.deviceId(deviceId);
    open.readLock().lock();
    try {
      synchronized (lock) {
        checkOpen();
        if (sequence <= 0 || !ledger.heads.containsKey(deviceId)) {
          return false;
        }
        byte[] index;
        try {
          // the index entry is small and holds the record's size
          index = h.db.get(h.order, RecordCodec.orderKey(sequence));
        } catch (RocksDBException e) {
          throw h.failure("reading " + deviceId + "#" + sequence, e);
        }
        if (index == null) {
          return false;
        }
        OrderEntry e = OrderEntry.decode(index);
        if (!e.deviceId.equals(deviceId)) {
          return false; // that sequence is another device's
        }
        removals.remove(deviceId, sequence, e.size, Tally.Removal.DELETED);
        return true;
      }
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public int deleteAll(Collection<StoredMessage> messages) {
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null");
    }
    Set<Removed> wanted = new LinkedHashSet<>(); // a record named twice is deleted once
    for (StoredMessage m : messages) {
      if (m == null) {
        throw new IllegalArgumentException("messages must not hold null");
      }
      wanted.add(new Removed(m.deviceId(), m.sequence(), 0));
    }
    if (wanted.isEmpty()) {
      return 0;
    }
    open.readLock().lock();
    try {
      synchronized (lock) {
        checkOpen();
        List<Removed> named = new ArrayList<>(wanted);
        List<byte[]> keys = new ArrayList<>(named.size());
        List<ColumnFamilyHandle> families = new ArrayList<>(named.size());
        for (Removed r : named) {
          keys.add(RecordCodec.orderKey(r.sequence()));
          families.add(h.order);
        }
        List<byte[]> index;
        try {
          index = h.db.multiGetAsList(families, keys); // the index entries are small and hold the records' sizes
        } catch (RocksDBException e) {
          throw h.failure("reading " + named.size() + " index entries", e);
        }
        List<Removed> removed = new ArrayList<>();
        try (WriteBatch batch = new WriteBatch()) {
          for (int i = 0; i < named.size(); i++) {
            byte[] entry = index.get(i);
            Removed r = named.get(i);
            if (entry == null || !ledger.heads.containsKey(r.deviceId())) {
              continue;
            }
            OrderEntry e = OrderEntry.decode(entry);
            if (!e.deviceId.equals(r.deviceId())) {
              continue; // that sequence is another device's
            }
            batch.delete(h.messages, RecordCodec.key(RecordCodec.deviceIdBytes(r.deviceId()), r.sequence()));
            batch.delete(h.order, keys.get(i));
            removed.add(new Removed(r.deviceId(), r.sequence(), e.size));
          }
          if (removed.isEmpty()) {
            return 0;
          }
          h.db.write(h.noSync, batch);
        } catch (RocksDBException e) {
          throw h.failure("deleting " + removed.size() + " records", e);
        }
        for (Removed r : removed) {
          ledger.counted(r.deviceId(), r.sequence(), r.size(), Tally.Removal.DELETED);
        }
        return removed.size();
      }
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public Set<String> devices() {
    open.readLock().lock();
    try {
      synchronized (lock) {
        checkOpen();
        return ledger.tally.devices();
      }
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public StoreStats stats() {
    open.readLock().lock();
    try {
      synchronized (lock) {
        checkOpen();
        return ledger.tally.stats();
      }
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public StoreStats stats(String deviceId) {
    Args.deviceId(deviceId);
    open.readLock().lock();
    try {
      synchronized (lock) {
        checkOpen();
        return ledger.tally.stats(deviceId);
      }
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public long droppedOrExpired(String deviceId) {
    Args.deviceId(deviceId);
    return ledger.tally.droppedOrExpired(deviceId); // without the locks: counted after the record left the database
  }

  @Override
  public int expire() {
    open.readLock().lock();
    try {
      synchronized (lock) {
        checkOpen();
        return removals.expire(settings.clock().millis());
      }
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public StoreSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    commit.close();
    open.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      h.close();
    } finally {
      open.writeLock().unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("the gateway store " + h.directory + " is closed");
    }
  }

  /** A record a batch deletes (its size once read: what its counters lose). */
  private record Removed(String deviceId, long sequence, long size) {}

  /** A record in the batch, not yet written: what to undo if the write fails. */
  private static final class Staged {
    final GroupCommit.Job job;
    final String deviceId;
    final long size;

    Staged(GroupCommit.Job job, String deviceId, long size) {
      this.job = job;
      this.deviceId = deviceId;
      this.size = size;
    }
  }
}
