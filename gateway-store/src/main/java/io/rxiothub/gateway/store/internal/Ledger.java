// The durable store's bookkeeping in memory (counters, per-device heads, order floor, next sequence), and its recovery
// from the order index when the store opens.
package io.rxiothub.gateway.store.internal;

import java.util.HashMap;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * What the store knows of its records without reading them. Not thread-safe: every field is guarded by the store's
 * lock, but for {@link Tally#droppedOrExpired}, which the store reads without it. The heads and the order floor are
 * lower bounds of the live sequences (per device, and for the whole store), so that reads and expiry seek past the
 * deleted records RocksDB keeps until compaction instead of stepping over them.
 */
final class Ledger {

  final Tally tally = new Tally();
  /** Per device with records, a lower bound of its live sequences. */
  final Map<String, Long> heads = new HashMap<>();
  /** A lower bound of the live sequences of the whole store. */
  long orderFloor = 1;
  /** Enqueue time of the oldest live record when last seen (a lower bound while the clock runs forward); or MIN. */
  long floorAt = Long.MIN_VALUE;
  long nextSequence = 1;

  private Ledger() {}

  /** Rebuilds counters, heads, the order floor and the next sequence from the order index. */
  static Ledger recover(RocksHandles h) {
    Ledger ledger = new Ledger();
    try {
      byte[] next = h.db.get(h.defaults, RocksHandles.NEXT_SEQUENCE_KEY);
      if (next != null) {
        ledger.nextSequence = RecordCodec.getLong(next, 0);
      }
    } catch (RocksDBException e) {
      throw h.failure("reading the next sequence", e);
    }
    try (RocksIterator it = h.db.newIterator(h.order)) {
      boolean first = true;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        long seq = RecordCodec.getLong(it.key(), 0);
        OrderEntry e = OrderEntry.decode(it.value());
        ledger.tally.add(e.deviceId, e.size);
        ledger.heads.putIfAbsent(e.deviceId, seq);
        if (first) {
          ledger.orderFloor = seq;
          first = false;
        }
        ledger.nextSequence = Math.max(ledger.nextSequence, seq + 1);
      }
      h.status(it);
    }
    return ledger;
  }

  /** Counts a record staged for writing with the next sequence, and moves the next sequence on. */
  void added(String deviceId, long sequence, long size) {
    nextSequence = sequence + 1;
    tally.add(deviceId, size);
    heads.putIfAbsent(deviceId, sequence);
  }

  /** Takes back the count of a staged record whose write failed. */
  void undoAdd(String deviceId, long size) {
    tally.undoAdd(deviceId, size);
    if (tally.stats(deviceId).messages() == 0) {
      heads.remove(deviceId);
    }
  }

  /** Counts a record removed from the database: counters, the device's head, the order floor. */
  void counted(String deviceId, long sequence, long size, Tally.Removal why) {
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
}
