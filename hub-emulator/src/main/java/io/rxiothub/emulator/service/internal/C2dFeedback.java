// C2D delivery feedback: when a message sent with an ack request ends (completed by the device's PUBACK, or expired),
// a feedback record goes to the service-bound feedback queue (docs/service-api.md §16).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.CloudToDeviceMessage.State;
import io.rxiothub.emulator.internal.C2dEntry;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.ServiceRecords;
import java.time.Clock;
import java.util.Locale;

/** Watches C2D messages and records their outcome. */
final class C2dFeedback {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(C2dFeedback.class);

  /** Feedback records kept for the back end (the oldest are dropped beyond). */
  static final int CAPACITY = 10_000;

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

  /** Records the message's outcome when it ends, if {@code ack} asks for it (a purged message gives none). */
  void watch(C2dEntry entry, Ack ack) {
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
