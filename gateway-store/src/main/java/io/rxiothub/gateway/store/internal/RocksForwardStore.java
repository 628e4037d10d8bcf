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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * A {@link ForwardStore} in a directory. One lock guards the counters and every write but the sync (the writer thread
 * holds it while it writes a whole group as one batch); reads of a queue run outside it. Per device it keeps a lower bound of the live sequences (and one for the whole store), so
 * reads and expiry seek past the deleted records RocksDB keeps until compaction instead of stepping over them.
 */
final class RocksForwardStore implements ForwardStore, GroupCommit.Writer {

  private final StoreSettings settings;
  private final long maxAgeMillis;
  private final RocksHandles h;
  private final Object lock = new Object();
  /** Held to read by every operation while it uses the database, to write by close: no handle closes under a read. */
  private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
  private final Tally tally = new Tally();
  private final Map<String, Long> heads = new HashMap<>();
  private final GroupCommit commit;
  private long orderFloor = 1;
  /** Enqueue time of the oldest live record when last seen (a lower bound while the clock runs forward); or MIN. */
  private long floorAt = Long.MIN_VALUE;
  private long nextSequence = 1;
  private boolean closed;

  private RocksForwardStore(StoreSettings settings, RocksHandles h) {
    this.settings = settings;
    this.maxAgeMillis = Ages.millis(settings.maxAge());
    this.h = h;
    recover();
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

  /** Rebuilds counters, heads and the next sequence from the order index. */
  private void recover() {
    try {
      byte[] next = h.db.get(h.defaults, RocksHandles.NEXT_SEQUENCE_KEY);
      if (next != null) {
        nextSequence = RecordCodec.getLong(next, 0);
      }
    } catch (RocksDBException e) {
      throw failure("reading the next sequence", e);
    }
    try (RocksIterator it = h.db.newIterator(h.order)) {
      boolean first = true;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        long seq = RecordCodec.getLong(it.key(), 0);
        OrderEntry e = OrderEntry.decode(it.value());
        tally.add(e.deviceId, e.size);
        heads.putIfAbsent(e.deviceId, seq);
        if (first) {
          orderFloor = seq;
          first = false;
        }
        nextSequence = Math.max(nextSequence, seq + 1);
      }
      status(it);
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
        expireNow(settings.clock().millis());
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
            StoreException failed = failure("writing " + staged.size() + " records", e);
            for (Staged st : staged) {
              tally.undoAdd(st.deviceId, st.size);
              if (tally.stats(st.deviceId).messages() == 0) {
                heads.remove(st.deviceId);
              }
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
    long seq = nextSequence;
    byte[] key = RecordCodec.key(id, seq);
    byte[] value = RecordCodec.value(now, message);
    long size = (long) key.length + value.length;
    long max = settings.maxBytes();
    if (size > max || (tally.bytes() + size > max && settings.overflow() == OverflowPolicy.REJECT_NEW)) {
      throw new StoreFullException(max, tally.bytes(), size, settings.overflow());
    }
    if (tally.bytes() + size > max) {
      flush(batch, staged);
      while (tally.bytes() + size > max) {
        dropOldestOfFullest();
      }
    }
    batch.put(h.messages, key, value);
    batch.put(h.order, orderKey(seq), OrderEntry.encode(now, size, id));
    nextSequence = seq + 1;
    tally.add(deviceId, size);
    heads.putIfAbsent(deviceId, seq);
    StoredMessage stored = StoredMessage.of(seq, deviceId, Instant.ofEpochMilli(now), message);
    staged.add(new Staged(job, deviceId, size));
    return stored;
  }

  /** Writes the batch (not synced) with the next sequence, and empties it. */
  private void flush(WriteBatch batch, List<Staged> staged) throws RocksDBException {
    if (batch.count() == 0) {
      return;
    }
    batch.put(h.defaults, RocksHandles.NEXT_SEQUENCE_KEY, orderKey(nextSequence));
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
      throw failure("syncing the log", e);
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
        expireNow(settings.clock().millis());
        Long known = heads.get(deviceId);
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
            it.isValid() && out.size() < max && startsWith(it.key(), prefix); it.next()) {
          out.add(RecordCodec.decode(it.key(), it.value()));
        }
        status(it);
      }
      if (!out.isEmpty() && afterSequence < head) {
        synchronized (lock) {
          Long current = heads.get(deviceId);
          if (current != null && current < out.get(0).sequence()) {
            heads.put(deviceId, out.get(0).sequence());
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
        if (sequence <= 0 || !heads.containsKey(deviceId)) {
          return false;
        }
        byte[] index;
        try {
          index = h.db.get(h.order, orderKey(sequence)); // the index entry is small and holds the record's size
        } catch (RocksDBException e) {
          throw failure("reading " + deviceId + "#" + sequence, e);
        }
        if (index == null) {
          return false;
        }
        OrderEntry e = OrderEntry.decode(index);
        if (!e.deviceId.equals(deviceId)) {
          return false; // that sequence is another device's
        }
        remove(deviceId, sequence, e.size, Tally.Removal.DELETED);
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
          keys.add(orderKey(r.sequence()));
          families.add(h.order);
        }
        List<byte[]> index;
        try {
          index = h.db.multiGetAsList(families, keys); // the index entries are small and hold the records' sizes
        } catch (RocksDBException e) {
          throw failure("reading " + named.size() + " index entries", e);
        }
        List<Removed> removed = new ArrayList<>();
        try (WriteBatch batch = new WriteBatch()) {
          for (int i = 0; i < named.size(); i++) {
            byte[] entry = index.get(i);
            Removed r = named.get(i);
            if (entry == null || !heads.containsKey(r.deviceId())) {
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
          throw failure("deleting " + removed.size() + " records", e);
        }
        for (Removed r : removed) {
          counted(r.deviceId(), r.sequence(), r.size(), Tally.Removal.DELETED);
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
        return tally.devices();
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
        return tally.stats();
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
        return tally.stats(deviceId);
      }
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public long droppedOrExpired(String deviceId) {
    Args.deviceId(deviceId);
    return tally.droppedOrExpired(deviceId); // without the locks: counted after the record left the database
  }

  @Override
  public int expire() {
    open.readLock().lock();
    try {
      synchronized (lock) {
        checkOpen();
        return expireNow(settings.clock().millis());
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

  /** Deletes the messages that have waited maxAge, oldest first; stops at the first young one. */
  private int expireNow(long now) {
    if (tally.messages() == 0
        || (floorAt != Long.MIN_VALUE && !Ages.expired(floorAt, now, maxAgeMillis))) {
      return 0; // nothing is older than the oldest record, which is young: no iterator per append
    }
    int n = 0;
    List<long[]> expired = new ArrayList<>();
    List<String> devices = new ArrayList<>();
    try (RocksIterator it = h.db.newIterator(h.order)) {
      for (it.seek(orderKey(orderFloor)); it.isValid(); it.next()) {
        OrderEntry e = OrderEntry.decode(it.value());
        long seq = RecordCodec.getLong(it.key(), 0);
        if (!Ages.expired(e.enqueuedAtMillis, now, maxAgeMillis)) {
          orderFloor = seq;
          floorAt = e.enqueuedAtMillis;
          break;
        }
        expired.add(new long[] {seq, e.size});
        devices.add(e.deviceId);
      }
      status(it);
    }
    for (int i = 0; i < expired.size(); i++) {
      remove(devices.get(i), expired.get(i)[0], expired.get(i)[1], Tally.Removal.EXPIRED);
      n++;
    }
    return n;
  }

  private void dropOldestOfFullest() {
    String device = tally.fullestDevice();
    byte[] id = RecordCodec.deviceIdBytes(device);
    try (RocksIterator it = h.db.newIterator(h.messages)) {
      it.seek(RecordCodec.key(id, heads.get(device)));
      if (!it.isValid() || !startsWith(it.key(), RecordCodec.prefix(id))) {
        status(it);
        throw new StoreException("gateway store " + h.directory + ": the counters say " + device
            + " has messages but none is stored; the store is damaged");
      }
      long seq = RecordCodec.sequenceOf(it.key());
      remove(device, seq, (long) it.key().length + it.value().length, Tally.Removal.DROPPED);
    }
  }

  private void remove(String deviceId, long sequence, long size, Tally.Removal why) {
    try (WriteBatch batch = new WriteBatch()) {
      batch.delete(h.messages, RecordCodec.key(RecordCodec.deviceIdBytes(deviceId), sequence));
      batch.delete(h.order, orderKey(sequence));
      h.db.write(h.noSync, batch);
    } catch (RocksDBException e) {
      throw failure("deleting " + deviceId + "#" + sequence, e);
    }
    counted(deviceId, sequence, size, why);
  }

  /** Counts a record removed from the database: counters, the device's head, the order floor. */
  private void counted(String deviceId, long sequence, long size, Tally.Removal why) {
    tally.remove(deviceId, size, why);
    if (tally.stats(deviceId).messages() == 0) {
      heads.remove(deviceId);
    } else if (heads.get(deviceId) == sequence) {
      heads.put(deviceId, sequence + 1);
    }
    if (sequence == orderFloor) {
      orderFloor = sequence + 1;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("the gateway store " + h.directory + " is closed");
    }
  }

  private StoreException failure(String what, RocksDBException e) {
    return new StoreException("gateway store " + h.directory + ": " + what + " failed: " + e.getMessage(), e);
  }

  private void status(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw failure("reading", e);
    }
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] orderKey(long sequence) {
    byte[] k = new byte[8];
    RecordCodec.putLong(k, 0, sequence);
    return k;
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
