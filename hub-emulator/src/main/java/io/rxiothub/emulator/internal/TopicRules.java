// The emulator's topic authorization (protocol.md §4, "Ours — emulator authorization"): which topics an identity may
// publish to and which filters it may subscribe to. Pure.
package io.rxiothub.emulator.internal;

/** Classifies device PUBLISH topics and SUBSCRIBE filters; no state. */
public final class TopicRules {

  static final String TWIN_RES_FILTER = "$iothub/twin/res/#";
  static final String TWIN_DESIRED_FILTER = "$iothub/twin/PATCH/properties/desired/#";
  static final String METHODS_FILTER = "$iothub/methods/POST/#";
  static final String TWIN_GET = "$iothub/twin/GET/";
  static final String TWIN_PATCH_REPORTED = "$iothub/twin/PATCH/properties/reported/";
  static final String METHODS_RES = "$iothub/methods/res/";

  /** What a device PUBLISH is. */
  public enum PublishKind { TELEMETRY, TWIN_GET, TWIN_PATCH_REPORTED, METHOD_RESPONSE, FORBIDDEN }

  private TopicRules() {}

  /** Whether {@code identity} may subscribe to {@code filter}. */
  public static boolean maySubscribe(Identity identity, String filter) {
    return filter.equals(identity.deviceboundTopic() + "/#")
        || filter.equals(TWIN_RES_FILTER)
        || filter.equals(TWIN_DESIRED_FILTER)
        || filter.equals(METHODS_FILTER)
        || filter.equals(identity.inputsFilter());
  }

  /** Classifies a device PUBLISH topic: the identity's own telemetry, a twin request, a method response, or else. */
  public static PublishKind classify(Identity identity, String topic) {
    String events = identity.eventsTopic();
    if (topic.equals(events) || topic.startsWith(events + "/")) {
      return PublishKind.TELEMETRY;
    }
    if (topic.startsWith(TWIN_GET)) {
      return PublishKind.TWIN_GET;
    }
    if (topic.startsWith(TWIN_PATCH_REPORTED)) {
      return PublishKind.TWIN_PATCH_REPORTED;
    }
    if (topic.startsWith(METHODS_RES)) {
      return PublishKind.METHOD_RESPONSE;
    }
    return PublishKind.FORBIDDEN;
  }

  /**
   * Whether {@code topic} falls under one of the hub's subscription filters (each ends in {@code #}), by prefix, as
   * the emulator's own records compare them.
   */
  static boolean underFilter(String filter, String topic) {
    return topic.startsWith(filter.substring(0, filter.length() - 1));
  }
}
