// What the register-then-poll machine asks its driver to do after an event: publish, wait, or finish.
package io.rxiothub.provisioning;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** One effect of {@link RegistrationFlow}. Immutable. */
public final class FlowStep {

  /** The kind of effect. */
  public enum Kind {
    /** Nothing to do (an ignored response, an early timer). */
    NONE,
    /** Publish {@link #topic()} with {@link #payload()} (QoS 1), then wait for the response. */
    PUBLISH,
    /** Call {@code timer} at {@link #atMillis()} (and not before); nothing else to do until then. */
    WAIT,
    /** Registered: {@link #registration()} is assigned. The connection may close. */
    DONE,
    /** Failed: {@link #failure()} says why. The connection may close. */
    FAILED
  }

  static final FlowStep NONE = new FlowStep(Kind.NONE, null, null, 0, null, null);

  private final Kind kind;
  private final @Nullable String topic;
  private final byte @Nullable [] payload;
  private final long atMillis;
  private final @Nullable Registration registration;
  private final @Nullable ProvisioningFailure failure;

  private FlowStep(Kind kind, @Nullable String topic, byte @Nullable [] payload, long atMillis,
      @Nullable Registration registration, @Nullable ProvisioningFailure failure) {
    this.kind = kind;
    this.topic = topic;
    this.payload = payload;
    this.atMillis = atMillis;
    this.registration = registration;
    this.failure = failure;
  }

  static FlowStep publish(String topic, String payload) {
    return new FlowStep(Kind.PUBLISH, topic, payload.getBytes(StandardCharsets.UTF_8), 0, null, null);
  }

  static FlowStep waitUntil(long atMillis) {
    return new FlowStep(Kind.WAIT, null, null, atMillis, null, null);
  }

  static FlowStep done(Registration registration) {
    return new FlowStep(Kind.DONE, null, null, 0, registration, null);
  }

  static FlowStep failed(ProvisioningFailure failure) {
    return new FlowStep(Kind.FAILED, null, null, 0, null, failure);
  }

  /** The kind. */
  public Kind kind() {
    return kind;
  }

  /** The topic to publish. @throws IllegalStateException unless {@link Kind#PUBLISH} */
  public String topic() {
    if (topic == null) {
      throw new IllegalStateException("a " + kind + " step has no topic");
    }
    return topic;
  }

  /** A copy of the payload to publish (empty for a status poll). @throws IllegalStateException unless PUBLISH */
  public byte[] payload() {
    if (payload == null) {
      throw new IllegalStateException("a " + kind + " step has no payload");
    }
    return payload.clone();
  }

  /** When to call {@code timer}. @throws IllegalStateException unless {@link Kind#WAIT} */
  public long atMillis() {
    if (kind != Kind.WAIT) {
      throw new IllegalStateException("a " + kind + " step has no time");
    }
    return atMillis;
  }

  /** The assigned registration. @throws IllegalStateException unless {@link Kind#DONE} */
  public Registration registration() {
    if (registration == null) {
      throw new IllegalStateException("a " + kind + " step has no registration");
    }
    return registration;
  }

  /** Why it failed. @throws IllegalStateException unless {@link Kind#FAILED} */
  public ProvisioningFailure failure() {
    if (failure == null) {
      throw new IllegalStateException("a " + kind + " step has no failure");
    }
    return failure;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FlowStep)) {
      return false;
    }
    FlowStep other = (FlowStep) o;
    return kind == other.kind && atMillis == other.atMillis && Objects.equals(topic, other.topic)
        && java.util.Arrays.equals(payload, other.payload) && Objects.equals(registration, other.registration)
        && Objects.equals(failure, other.failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, topic, java.util.Arrays.hashCode(payload), atMillis, registration, failure);
  }

  @Override
  public String toString() {
    switch (kind) {
      case PUBLISH:
        return "FlowStep{PUBLISH " + topic + "}";
      case WAIT:
        return "FlowStep{WAIT until " + atMillis + "}";
      case DONE:
        return "FlowStep{DONE " + registration + "}";
      case FAILED:
        return "FlowStep{FAILED " + failure + "}";
      default:
        return "FlowStep{NONE}";
    }
  }
}
