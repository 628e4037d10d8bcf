// C2D delivery feedback: when a message sent with an ack request ends (completed by the device's PUBACK, or expired),
// a feedback record goes to the service-bound feedback queue (docs/service-api.md §16).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.CloudToDeviceMessage.State;
import io.rxiothub.emulator.internal.C2dEntry;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.ServiceRecords;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Watches C2D messages and records their outcome. */
final class C2dFeedback {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(C2dFeedback.class);

  /** Feedback records kept for the back end (the oldest are dropped beyond). */
  static final int CAPACITY = 10_000;
  /**
   * The C2D property that carries the ack request, as IoT Hub puts it in the device-bound bag (protocol.md §5): the
   * device sees it, and the data dir keeps it with the message, so a restarted emulator still owes the feedback.
   */
  static final String ACK_PROPERTY = "iothub-ack";

  /** Which outcomes a sender asked to hear about (the {@code iothub-ack} of the hub's C2D messages). */
  enum Ack {
    NONE, POSITIVE, NEGATIVE, FULL;

    static Ack of(String text) {
      try {
        return valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw HubError.badRequest("ack must be none, positive, negative or full, got '" + text + "'");
      }
    }

    /** The ack a queued message's bag asks for ({@link #NONE} without one). */
    static Ack ofBag(Map<String, ? extends @Nullable String> bag) {
      String text = bag.get(ACK_PROPERTY);
      return text == null ? NONE : of(text);
    }

    /** Its value in a bag. */
    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    boolean wants(State state) {
      return state == State.COMPLETED ? this == POSITIVE || this == FULL : this == NEGATIVE || this == FULL;
    }
  }

  private final ServiceBoundQueue queue;
  private final RegistryRoutes registry;
  private final Clock clock;

  /** Feedback kept in the data dir with {@code records} when the emulator has one. */
  C2dFeedback(RegistryRoutes registry, Clock clock, ServiceRecords records) {
    this.registry = registry;
    this.clock = clock;
    this.queue = QueueRecords.queue(records, ServiceRecords.FEEDBACK, CAPACITY);
  }

  ServiceBoundQueue queue() {
    return queue;
  }

  /**
   * Records the outcome of each of {@code pending} (the messages restored from the data dir) when it ends, as the
   * {@code iothub-ack} of its bag asks.
   */
  void watchAll(List<C2dEntry> pending) {
    for (C2dEntry entry : pending) {
      try {
        watch(entry);
      } catch (HubError e) { // a record this emulator did not write: its message is delivered, without feedback
        LOG.warn("hub emulator: C2D message {} has an unknown {}; no feedback for it", entry.messageId(),
            ACK_PROPERTY);
      }
    }
  }

  /**
   * Records the message's outcome when it ends, if the {@code iothub-ack} of its bag asks for it (a purged message
   * gives none).
   */
  void watch(C2dEntry entry) {
    Ack ack = Ack.ofBag(entry.properties());
    if (ack == Ack.NONE) {
      return;
    }
    String generationId = registry.generationId(new Identity(entry.deviceId(), null));
    entry.states().filter(state -> state == State.COMPLETED || state == State.EXPIRED).subscribe(state -> {
      if (!entry.purged() && ack.wants(state)) {
        try {
          queue.offer(record(entry, state, generationId), clock.instant());
        } catch (RuntimeException e) {
          LOG.warn("hub emulator: lost the feedback of C2D message {}: the data dir refused it ({})",
              entry.messageId(), e.getMessage());
        }
      }
    });
  }

  /** A record as the SDKs parse it ({@code FeedbackRecordParser}). */
  private ObjectNode record(C2dEntry entry, State state, String generationId) {
    boolean success = state == State.COMPLETED;
    return ServiceJson.JSON.createObjectNode().put("originalMessageId", entry.messageId())
        .put("description", success ? "Success" : "Message expired")
        .put("deviceGenerationId", generationId).put("deviceId", entry.deviceId())
        .put("enqueuedTimeUtc", Job.time(clock.instant()))
        .put("statusCode", success ? "Success" : "Expired");
  }
}
