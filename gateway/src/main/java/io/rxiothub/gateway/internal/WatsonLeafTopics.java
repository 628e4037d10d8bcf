// The topics a Watson-style leaf may use through the gateway: a device's own event and command topics (§18.3).
package io.rxiothub.gateway.internal;

import io.rxiothub.watson.WatsonTopic;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Classifies a Watson leaf's PUBLISH topics and SUBSCRIBE filters. Pure. */
public final class WatsonLeafTopics {

  private WatsonLeafTopics() {
  }

  /** An event a leaf published for itself: {@code iot-2/evt/{eventId}/fmt/{format}}. */
  public record Event(String eventId, String format) {
  }

  /** Returns the event of a PUBLISH on {@code topic}, or null if the gateway does not carry it. */
  public static @Nullable Event event(String topic) {
    try {
      WatsonTopic parsed = WatsonTopic.parse(topic);
      return parsed.kind() == WatsonTopic.Kind.OWN_EVENT
          ? new Event(Objects.requireNonNull(parsed.name()), Objects.requireNonNull(parsed.format())) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether a leaf may subscribe {@code filter}: {@code iot-2/cmd/{c|+}/fmt/{f|+}}. */
  public static boolean commandFilter(String filter) {
    try {
      return WatsonTopic.parseFilter(filter).kind() == WatsonTopic.Kind.OWN_COMMAND;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The topic a command reaches a leaf on: {@code iot-2/cmd/{commandId}/fmt/{format}}. */
  public static String commandTopic(String commandId, String format) {
    return "iot-2/cmd/" + commandId + "/fmt/" + format;
  }
}
