// A service-bound queue: records the hub produces for the back end (C2D feedback, file-upload notifications), read
// in batches with a lock, then completed or abandoned, as the hub's service-bound endpoints do (docs/service-api.md
// §16). No I/O; time is passed in; a Journal (the data dir) hears of each record added or removed before memory does.
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Thread-safe. {@link #receive} hands out the oldest available records under a lock token; they stay invisible until
 * {@link #complete} removes them, {@link #abandon} returns them, or the lock expires (then they are available again,
 * first in line). Holds at most {@code capacity} records: when full, the oldest available record is dropped (the
 * hub's queues drop expired records too) and counted in {@link #dropped()}. Each record has a sequence number; the
 * {@link Journal} is told of a record before it is queued and of a completed batch before it goes (locks are not
 * journaled: after a restart every kept record is available).
 */
public final class ServiceBoundQueue {

  /** Where records are kept besides memory. */
  public interface Journal {
    /** Keeps nothing. */
    Journal NONE = new Journal() {
      @Override
      public void added(long sequence, ObjectNode record) {}

      @Override
      public void removed(List<Long> sequences) {}
    };

    /** A record is about to be queued; throwing refuses it. */
    void added(long sequence, ObjectNode record);

    /** Records are about to leave for good; throwing keeps them. */
    void removed(List<Long> sequences);
  }

  /** One record and its sequence number. */
  private record Entry(long sequence, ObjectNode record) {}

  /** A batch handed out under a lock. */
  public static final class Batch {
    private final String lockToken;
    private final Instant lockedUntil;
    private final List<Entry> entries;

    private Batch(String lockToken, Instant lockedUntil, List<Entry> entries) {
      this.lockToken = lockToken;
      this.lockedUntil = lockedUntil;
      this.entries = List.copyOf(entries);
    }

    /** The token that completes or abandons the batch. */
    public String lockToken() {
      return lockToken;
    }

    /** When the lock expires. */
    public Instant lockedUntil() {
      return lockedUntil;
    }

    /** The records, oldest first. */
    public List<ObjectNode> records() {
      List<ObjectNode> out = new ArrayList<>();
      entries.forEach(e -> out.add(e.record()));
      return out;
    }

    /** The records as a JSON array (the body of a service-bound message). */
    public ArrayNode json() {
      ArrayNode out = ServiceJson.JSON.createArrayNode();
      entries.forEach(e -> out.add(e.record()));
      return out;
    }
  }

  private final int capacity;
  private final Journal journal;
  private final Deque<Entry> available = new ArrayDeque<>();
  private final Map<String, Batch> locked = new LinkedHashMap<>();
  private long nextSequence = 1;
  private long dropped;

  /** A queue of at most {@code capacity} records (available and locked), kept in memory only. */
  public ServiceBoundQueue(int capacity) {
    this(capacity, Journal.NONE);
  }

  /** A queue of at most {@code capacity} records that tells {@code journal} of every change first. */
  public ServiceBoundQueue(int capacity, Journal journal) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.journal = journal;
  }

  /**
   * Brings back a kept record (the data dir's, oldest first) without journaling it; beyond capacity the oldest is
   * dropped as {@link #offer} would.
   */
  public synchronized void restore(long sequence, ObjectNode record) {
    nextSequence = Math.max(nextSequence, sequence + 1);
    if (available.size() >= capacity) {
      dropOldest();
    }
    available.addLast(new Entry(sequence, record));
  }

  /**
   * Appends a record (the caller must not change it afterwards).
   *
   * @throws RuntimeException if the journal refuses it (nothing is queued)
   */
  public synchronized void offer(ObjectNode record, Instant now) {
    expireLocks(now);
    long sequence = nextSequence;
    journal.added(sequence, record);
    nextSequence++;
    if (available.size() + lockedCount() >= capacity && !available.isEmpty()) {
      dropOldest();
    }
    available.addLast(new Entry(sequence, record));
  }

  private void dropOldest() {
    Entry oldest = available.removeFirst();
    dropped++;
    try {
      journal.removed(List.of(oldest.sequence()));
    } catch (RuntimeException e) {
      // The dropped record stays kept; a restart drops it again beyond capacity.
    }
  }

  /** Up to {@code max} records under a new lock valid for {@code lock}; null when none is available. */
  public synchronized @Nullable Batch receive(int max, Duration lock, Instant now) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    expireLocks(now);
    if (available.isEmpty()) {
      return null;
    }
    List<Entry> entries = new ArrayList<>();
    while (!available.isEmpty() && entries.size() < max) {
      entries.add(available.removeFirst());
    }
    Batch batch = new Batch(UUID.randomUUID().toString(), now.plus(lock), entries);
    locked.put(batch.lockToken(), batch);
    return batch;
  }

  /**
   * Removes a locked batch for good; false when the token is unknown or its lock expired.
   *
   * @throws RuntimeException if the journal refuses (the batch stays locked)
   */
  public synchronized boolean complete(String lockToken, Instant now) {
    expireLocks(now);
    Batch batch = locked.get(lockToken);
    if (batch == null) {
      return false;
    }
    List<Long> sequences = new ArrayList<>();
    batch.entries.forEach(e -> sequences.add(e.sequence()));
    journal.removed(sequences);
    locked.remove(lockToken);
    return true;
  }

  /** Returns a locked batch's records to the front of the queue; false when the token is unknown or expired. */
  public synchronized boolean abandon(String lockToken, Instant now) {
    expireLocks(now);
    Batch batch = locked.remove(lockToken);
    if (batch == null) {
      return false;
    }
    requeue(batch);
    return true;
  }

  /** Records waiting (not locked). */
  public synchronized int available(Instant now) {
    expireLocks(now);
    return available.size();
  }

  /** Records dropped because the queue was full. */
  public synchronized long dropped() {
    return dropped;
  }

  private int lockedCount() {
    int n = 0;
    for (Batch batch : locked.values()) {
      n += batch.entries.size();
    }
    return n;
  }

  private void expireLocks(Instant now) {
    List<Batch> expired = new ArrayList<>();
    for (Iterator<Batch> it = locked.values().iterator(); it.hasNext(); ) {
      Batch batch = it.next();
      if (!now.isBefore(batch.lockedUntil())) {
        it.remove();
        expired.add(batch);
      }
    }
    for (int i = expired.size() - 1; i >= 0; i--) {
      requeue(expired.get(i));
    }
  }

  private void requeue(Batch batch) {
    for (int i = batch.entries.size() - 1; i >= 0; i--) {
      available.addFirst(batch.entries.get(i));
    }
  }
}
