// A service-bound queue: records the hub produces for the back end (C2D feedback, file-upload notifications), read
// in batches with a lock, then completed or abandoned, as the hub's service-bound endpoints do (docs/service-api.md
// §16). No I/O; time is passed in.
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
 * hub's queues drop expired records too) and counted in {@link #dropped()}.
 */
public final class ServiceBoundQueue {

  /** A batch handed out under a lock. */
  public record Batch(String lockToken, Instant lockedUntil, List<ObjectNode> records) {

    /** The records as a JSON array (the body of a service-bound message). */
    public ArrayNode json() {
      ArrayNode out = ServiceJson.JSON.createArrayNode();
      records.forEach(out::add);
      return out;
    }
  }

  private final int capacity;
  private final Deque<ObjectNode> available = new ArrayDeque<>();
  private final Map<String, Batch> locked = new LinkedHashMap<>();
  private long dropped;

  /** A queue of at most {@code capacity} records (available and locked). */
  public ServiceBoundQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Appends a record (the caller must not change it afterwards). */
  public synchronized void offer(ObjectNode record, Instant now) {
    expireLocks(now);
    if (available.size() + lockedCount() >= capacity && !available.isEmpty()) {
      available.removeFirst();
      dropped++;
    }
    available.addLast(record);
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
    List<ObjectNode> records = new ArrayList<>();
    while (!available.isEmpty() && records.size() < max) {
      records.add(available.removeFirst());
    }
    Batch batch = new Batch(UUID.randomUUID().toString(), now.plus(lock), List.copyOf(records));
    locked.put(batch.lockToken(), batch);
    return batch;
  }

  /** Removes a locked batch for good; false when the token is unknown or its lock expired. */
  public synchronized boolean complete(String lockToken, Instant now) {
    expireLocks(now);
    return locked.remove(lockToken) != null;
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
      n += batch.records().size();
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
    List<ObjectNode> records = batch.records();
    for (int i = records.size() - 1; i >= 0; i--) {
      available.addFirst(records.get(i));
    }
  }
}
