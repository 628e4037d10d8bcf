// A service-bound queue kept in the data dir (docs/service-api.md §16, §17): one record per waiting C2D feedback
// record or file upload notification, keyed by its sequence number.
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.internal.ServiceRecords;
import io.rxiothub.emulator.internal.ServiceRecords.Key;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The journal of one queue over the core's {@link ServiceRecords}, records of one kind. */
final class QueueRecords implements ServiceBoundQueue.Journal {

  private static final Logger LOG = LoggerFactory.getLogger(QueueRecords.class);

  private final ServiceRecords records;
  private final char kind;

  private QueueRecords(ServiceRecords records, char kind) {
    this.records = records;
    this.kind = kind;
  }

  /**
   * A queue of {@code capacity} records of {@code kind}: kept in the data dir when the emulator has one, with the
   * records kept there queued again, oldest first.
   */
  static ServiceBoundQueue queue(ServiceRecords records, char kind, int capacity) {
    if (!records.durable()) {
      return new ServiceBoundQueue(capacity);
    }
    ServiceBoundQueue queue = new ServiceBoundQueue(capacity, new QueueRecords(records, kind));
    for (Map.Entry<Key, byte[]> record : records.take(kind)) {
      try {
        JsonNode node = ServiceJson.JSON.readTree(record.getValue());
        queue.restore(Long.parseLong(record.getKey().id()), (ObjectNode) node);
      } catch (IOException | RuntimeException e) {
        LOG.warn("hub emulator: skipped an unreadable service-bound record {}: {}", record.getKey(), e.getMessage());
      }
    }
    return queue;
  }

  @Override
  public void added(long sequence, ObjectNode record) {
    try {
      records.put(key(sequence), ServiceJson.JSON.writeValueAsBytes(record));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void removed(List<Long> sequences) {
    List<Key> keys = new ArrayList<>();
    sequences.forEach(sequence -> keys.add(key(sequence)));
    records.remove(keys);
  }

  private Key key(long sequence) {
    return Key.of(kind, String.format(Locale.ROOT, "%019d", sequence));
  }
}
