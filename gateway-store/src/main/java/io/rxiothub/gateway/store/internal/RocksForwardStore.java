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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * A {@link ForwardStore} in a directory. One lock guards the counters and every write but the sync; reads run under
 * it too (they are short). Per device it keeps a lower bound of the live sequences (and one for the whole store), so
 * reads and expiry seek past the deleted records RocksDB keeps until compaction instead of stepping over them.
 */
final class RocksForwardStore implements ForwardStore, GroupCommit.Writer {

  private final StoreSettings settings;
  private final long maxAgeMillis;
  private final RocksHandles h;
  private final Object lock = new Object();
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
  public StoredMessage write(String deviceId, ForwardMessage message) {
    synchronized (lock) {
      long now = settings.clock().millis();
      expireNow(now);
      byte[] id = RecordCodec.deviceIdBytes(deviceId);
      long seq = nextSequence;
      byte[] key = RecordCodec.key(id, seq);
      byte[] value = RecordCodec.value(now, message);
      long size = (long) key.length + value.length;
      long max = settings.maxBytes();
      if (size > max || (tally.bytes() + size > max && settings.overflow() == OverflowPolicy.REJECT_NEW)) {
        throw new StoreFullException(max, tally.bytes(), size, settings.overflow());
      }
      while (tally.bytes() + size > max) {
        dropOldestOfFullest();
      }
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(h.messages, key, value);
        batch.put(h.order, orderKey(seq), OrderEntry.encode(now, size, id));
        batch.put(h.defaults, RocksHandles.NEXT_SEQUENCE_KEY, orderKey(seq + 1));
        h.db.write(h.noSync, batch);
      } catch (RocksDBException e) {
        throw failure("writing a record of " + deviceId, e);
      }
      nextSequence = seq + 1;
      tally.add(deviceId, size);
      heads.putIfAbsent(deviceId, seq);
      return StoredMessage.of(seq, deviceId, Instant.ofEpochMilli(now), message);
    }
  }

  @Override
  public void sync() {
    try {
      h.db.syncWal();
    } catch (RocksDBException e) {
      throw failure("syncing the log", e);
    }
  }

  @Override
  public List<StoredMessage> pending(String deviceId, long afterSequence, int max) {
    Args.deviceId(deviceId);
    Args.window(afterSequence, max);
    synchronized (lock) {
      checkOpen();
      expireNow(settings.clock().millis());
      List<StoredMessage> out = new ArrayList<>();
      Long head = heads.get(deviceId);
      if (head == null) {
        return out;
      }
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
        heads.put(deviceId, out.get(0).sequence());
      }
      return out;
    }
  }

  @Override
  public boolean delete(String deviceId, long sequence) {
    Args.deviceId(deviceId);
    synchronized (lock) {
      checkOpen();
      if (sequence <= 0 || !heads.containsKey(deviceId)) {
        return false;
      }
      byte[] key = RecordCodec.key(RecordCodec.deviceIdBytes(deviceId), sequence);
      byte[] value;
      try {
        value = h.db.get(h.messages, key);
      } catch (RocksDBException e) {
        throw failure("reading " + deviceId + "#" + sequence, e);
      }
      if (value == null) {
        return false;
      }
      remove(deviceId, sequence, (long) key.length + value.length, Tally.Removal.DELETED);
      return true;
    }
  }

  @Override
  public Set<String> devices() {
    synchronized (lock) {
      checkOpen();
      return tally.devices();
    }
  }

  @Override
  public StoreStats stats() {
    synchronized (lock) {
      checkOpen();
      return tally.stats();
    }
  }

  @Override
  public StoreStats stats(String deviceId) {
    Args.deviceId(deviceId);
    synchronized (lock) {
      checkOpen();
      return tally.stats(deviceId);
    }
  }

  @Override
  public int expire() {
    synchronized (lock) {
      checkOpen();
      return expireNow(settings.clock().millis());
    }
  }

  @Override
  public StoreSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    commit.close();
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      h.close();
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

  /** The order index's value: u64 enqueuedAtMillis, u32 record size, device id (UTF-8). */
  private static final class OrderEntry {
    final long enqueuedAtMillis;
    final long size;
    final String deviceId;

    private OrderEntry(long enqueuedAtMillis, long size, String deviceId) {
      this.enqueuedAtMillis = enqueuedAtMillis;
      this.size = size;
      this.deviceId = deviceId;
    }

    static byte[] encode(long at, long size, byte[] deviceId) {
      byte[] v = new byte[12 + deviceId.length];
      RecordCodec.putLong(v, 0, at);
      v[8] = (byte) (size >>> 24);
      v[9] = (byte) (size >>> 16);
      v[10] = (byte) (size >>> 8);
      v[11] = (byte) size;
      System.arraycopy(deviceId, 0, v, 12, deviceId.length);
      return v;
    }

    static OrderEntry decode(byte[] v) {
      long size = ((v[8] & 0xFFL) << 24) | ((v[9] & 0xFF) << 16) | ((v[10] & 0xFF) << 8) | (v[11] & 0xFF);
      return new OrderEntry(RecordCodec.getLong(v, 0), size,
          new String(v, 12, v.length - 12, StandardCharsets.UTF_8));
    }
  }
}
