// The service face's durable records (jobs, C2D feedback, file upload notifications): written through the hub's
// StateLog like the registry and twins, handed back to the face once when the emulator opens its data dir
// (docs/service-api.md §17).
package io.rxiothub.emulator.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Thread-safe. Without a data dir nothing is kept (the face's memory is the state). With one, {@link #put} and
 * {@link #remove} return once the change is durable, or throw having changed nothing; {@link #take} hands the records
 * read when the emulator opened, in key order.
 */
public final class ServiceRecords {

  /** Record kinds of the service face (the core's own records use i, t, c, p, a). */
  public static final char JOB = 'j';
  /** One device's part of a job: id the job, sub id the device. */
  public static final char JOB_DEVICE = 'r';
  /** A C2D feedback record waiting for the back end: id its 19-digit sequence. */
  public static final char FEEDBACK = 'f';
  /** A file upload notification waiting for the back end: id its 19-digit sequence. */
  public static final char FILE_NOTIFICATION = 'n';

  /** A record's key: its kind and ids (never holding NUL; {@code subId} empty when there is none). */
  public record Key(char kind, String id, String subId) {

    /** A key without sub id. */
    public static Key of(char kind, String id) {
      return new Key(kind, id, "");
    }
  }

  private volatile StateLog log = StateLog.NONE;
  private final Map<Character, TreeMap<String, byte[]>> loaded = new TreeMap<>();

  /** Sends every later change to {@code log}. */
  void log(StateLog log) {
    this.log = log;
  }

  /** Whether records outlive the process (the emulator has a data dir). */
  public boolean durable() {
    return log != StateLog.NONE;
  }

  /** A record read from the database when the emulator opened. */
  synchronized void restore(Key key, byte[] value) {
    loaded.computeIfAbsent(key.kind(), k -> new TreeMap<>()).put(key.id() + "\0" + key.subId(), value);
  }

  /** The records of {@code kind} read when the emulator opened, in key order; forgotten here once taken. */
  public synchronized List<Map.Entry<Key, byte[]>> take(char kind) {
    TreeMap<String, byte[]> records = loaded.remove(kind);
    List<Map.Entry<Key, byte[]>> out = new ArrayList<>();
    if (records != null) {
      for (Map.Entry<String, byte[]> record : records.entrySet()) {
        String[] ids = record.getKey().split("\0", -1);
        out.add(Map.entry(new Key(kind, ids[0], ids[1]), record.getValue()));
      }
    }
    return out;
  }

  /**
   * Writes a record (replacing one of the same key).
   *
   * @throws IllegalStateException if the database refuses it (nothing was written)
   */
  public void put(Key key, byte[] value) {
    log.record(key, value);
  }

  /**
   * Removes records, all or none.
   *
   * @throws IllegalStateException if the database refuses it (nothing was removed)
   */
  public void remove(List<Key> keys) {
    if (!keys.isEmpty()) {
      log.recordsRemoved(keys);
    }
  }
}
