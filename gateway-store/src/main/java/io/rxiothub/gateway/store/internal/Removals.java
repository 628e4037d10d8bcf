// Removes records from the durable store and counts them: one named record, the expired ones (oldest first), and the
// overflow policy's victim (the oldest record of the fullest device).
package io.rxiothub.gateway.store.internal;

import io.rxiothub.gateway.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The store's removals that read the database to find their records. Each method runs under the store's lock (which
 * guards the ledger) while the store's open lock is held to read; it takes no lock itself.
 */
final class Removals {

  private final RocksHandles h;
  private final Ledger ledger;
  private final long maxAgeMillis;

  Removals(RocksHandles h, Ledger ledger, long maxAgeMillis) {
    this.h = h;
    this.ledger = ledger;
    this.maxAgeMillis = maxAgeMillis;
  }

  /** Deletes the messages that have waited maxAge, oldest first; stops at the first young one. */
  int expire(long now) {
    if (ledger.tally.messages() == 0
        || (ledger.floorAt != Long.MIN_VALUE && !Ages.expired(ledger.floorAt, now, maxAgeMillis))) {
      return 0; // nothing is older than the oldest record, which is young: no iterator per append
    }
    int n = 0;
    List<long[]> expired = new ArrayList<>();
    List<String> devices = new ArrayList<>();
    try (RocksIterator it = h.db.newIterator(h.order)) {
      for (it.seek(RecordCodec.orderKey(ledger.orderFloor)); it.isValid(); it.next()) {
        OrderEntry e = OrderEntry.decode(it.value());
        long seq = RecordCodec.getLong(it.key(), 0);
        if (!Ages.expired(e.enqueuedAtMillis, now, maxAgeMillis)) {
          ledger.orderFloor = seq;
          ledger.floorAt = e.enqueuedAtMillis;
          break;
        }
        expired.add(new long[] {seq, e.size});
        devices.add(e.deviceId);
      }
      h.status(it);
    }
    for (int i = 0; i < expired.size(); i++) {
      remove(devices.get(i), expired.get(i)[0], expired.get(i)[1], Tally.Removal.EXPIRED);
      n++;
    }
    return n;
  }

  /** Drops the oldest record of the device with the most bytes (the overflow policy's victim). */
  void dropOldestOfFullest() {
    String device = ledger.tally.fullestDevice();
    byte[] id = RecordCodec.deviceIdBytes(device);
    try (RocksIterator it = h.db.newIterator(h.messages)) {
      it.seek(RecordCodec.key(id, ledger.heads.get(device)));
      if (!it.isValid() || !RecordCodec.startsWith(it.key(), RecordCodec.prefix(id))) {
        h.status(it);
        throw new StoreException("gateway store " + h.directory + ": the counters say " + device
            + " has messages but none is stored; the store is damaged");
      }
      long seq = RecordCodec.sequenceOf(it.key());
      remove(device, seq, (long) it.key().length + it.value().length, Tally.Removal.DROPPED);
    }
  }

  /** Deletes one record and its index entry (not synced), then counts it. */
  void remove(String deviceId, long sequence, long size, Tally.Removal why) {
    try (WriteBatch batch = new WriteBatch()) {
      batch.delete(h.messages, RecordCodec.key(RecordCodec.deviceIdBytes(deviceId), sequence));
      batch.delete(h.order, RecordCodec.orderKey(sequence));
      h.db.write(h.noSync, batch);
    } catch (RocksDBException e) {
      throw h.failure("deleting " + deviceId + "#" + sequence, e);
    }
    ledger.counted(deviceId, sequence, size, why);
  }
}
