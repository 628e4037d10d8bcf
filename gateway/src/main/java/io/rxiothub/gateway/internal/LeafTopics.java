// The topics a leaf may use through the gateway: IoT Hub's device topics of its own identity (protocol.md §4).
package io.rxiothub.gateway.internal;

import io.rxiothub.methods.MethodTopic;
import io.rxiothub.twin.TwinTopic;
import org.jspecify.annotations.Nullable;

/** Classifies a leaf's PUBLISH topics and SUBSCRIBE filters. Pure. */
public final class LeafTopics {

  private LeafTopics() {
  }

  /** What a leaf's PUBLISH is. */
  public enum Kind {
    /** {@code devices/{d}/messages/events/…}: stored and forwarded. */
    TELEMETRY,
    /** {@code $iothub/twin/GET/?$rid=…}. */
    TWIN_GET,
    /** {@code $iothub/twin/PATCH/properties/reported/?$rid=…}. */
    TWIN_PATCH_REPORTED,
    /** {@code $iothub/methods/res/{status}/?$rid=…}. */
    METHOD_RESPONSE,
    /** Anything else: the connection is closed, as the hub does. */
    NOT_ALLOWED
  }

  /** What a leaf's SUBSCRIBE filter asks for. */
  public enum Subscription {
    /** {@code devices/{d}/messages/devicebound/#}. */
    CLOUD_MESSAGES,
    /** {@code $iothub/twin/res/#}. */
    TWIN_RESPONSES,
    /** {@code $iothub/twin/PATCH/properties/desired/#}. */
    DESIRED_UPDATES,
    /** {@code $iothub/methods/POST/#}. */
    METHODS
  }

  /** Returns {@code devices/{d}} or, for a module's client id {@code {d}/{m}}, {@code devices/{d}/modules/{m}}. */
  static String identityPrefix(String clientId) {
    int slash = clientId.indexOf('/');
    return slash < 0 ? "devices/" + clientId
        : "devices/" + clientId.substring(0, slash) + "/modules/" + clientId.substring(slash + 1);
  }

  /** Classifies a PUBLISH of leaf {@code clientId} ({@code {d}} or {@code {d}/{m}}) on {@code topic}. */
  public static Kind classify(String clientId, String topic) {
    String events = identityPrefix(clientId) + "/messages/events";
    if (topic.startsWith(events + "/") || topic.equals(events)) {
      return Kind.TELEMETRY;
    }
    if (topic.startsWith("$iothub/twin/")) {
      try {
        TwinTopic twin = TwinTopic.parse(topic);
        if (twin.kind() == TwinTopic.Kind.GET) {
          return Kind.TWIN_GET;
        }
        if (twin.kind() == TwinTopic.Kind.PATCH_REPORTED) {
          return Kind.TWIN_PATCH_REPORTED;
        }
      } catch (IllegalArgumentException e) {
        return Kind.NOT_ALLOWED;
      }
      return Kind.NOT_ALLOWED;
    }
    if (topic.startsWith("$iothub/methods/res/")) {
      try {
        return MethodTopic.parse(topic).kind() == MethodTopic.Kind.RESPONSE ? Kind.METHOD_RESPONSE : Kind.NOT_ALLOWED;
      } catch (IllegalArgumentException e) {
        return Kind.NOT_ALLOWED;
      }
    }
    return Kind.NOT_ALLOWED;
  }

  /**
   * Returns what a SUBSCRIBE of leaf {@code clientId} to {@code filter} asks for, or null if it is not allowed (a
   * module has no cloud-to-device messages, as on the hub).
   */
  public static @Nullable Subscription subscription(String clientId, String filter) {
    if (clientId.indexOf('/') < 0 && filter.equals("devices/" + clientId + "/messages/devicebound/#")) {
      return Subscription.CLOUD_MESSAGES;
    }
    if (filter.equals(TwinTopic.RESPONSE_FILTER)) {
      return Subscription.TWIN_RESPONSES;
    }
    if (filter.equals(TwinTopic.DESIRED_PATCH_FILTER)) {
      return Subscription.DESIRED_UPDATES;
    }
    if (filter.equals(MethodTopic.REQUEST_FILTER)) {
      return Subscription.METHODS;
    }
    return null;
  }
}
