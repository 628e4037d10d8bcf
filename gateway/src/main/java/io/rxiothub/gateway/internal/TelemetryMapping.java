// A leaf's telemetry PUBLISH as a stored record, and a stored record as the upstream client's Message (§18.1).
package io.rxiothub.gateway.internal;

import io.rxiothub.device.Message;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.sas.MessageTopic;
import io.rxiothub.sas.SystemProperty;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Pure conversions between the leaf's wire form, the store's record and the upstream {@link Message}. */
public final class TelemetryMapping {

  private TelemetryMapping() {
  }

  /**
   * Returns the record to store for a leaf's telemetry on {@code topic}: its bag's properties as they came (system
   * ones included), its {@code $.mid}, or a fresh one when the leaf sent none (so a resend after a crash carries
   * the same id).
   *
   * @throws IllegalArgumentException if the topic is not a telemetry topic
   */
  public static ForwardMessage toRecord(String topic, byte[] payload) {
    MessageTopic parsed = MessageTopic.parse(topic);
    if (parsed.kind() != MessageTopic.Kind.TELEMETRY) {
      throw new IllegalArgumentException("not a telemetry topic: " + topic);
    }
    ForwardMessage.Builder b = ForwardMessage.builder().payload(payload);
    String messageId = null;
    for (Map.Entry<String, @Nullable String> e : parsed.properties().entrySet()) {
      String value = e.getValue() == null ? "" : e.getValue();
      if (e.getKey().equals(SystemProperty.MESSAGE_ID.key())) {
        messageId = value;
      } else {
        b.property(e.getKey(), value);
      }
    }
    b.messageId(messageId == null || messageId.isEmpty() ? UUID.randomUUID().toString() : messageId);
    return b.build();
  }

  /**
   * Returns the upstream message of a stored record: system properties into their fields, the rest as
   * application properties. The connection's own ids ({@code $.cdid}, {@code $.cmid}) are the upstream client's.
   */
  public static Message toMessage(ForwardMessage record) {
    Message.Builder b = Message.builder().payload(record.payload()).messageId(record.messageId());
    for (Map.Entry<String, String> e : record.properties().entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      SystemProperty system = SystemProperty.ofKey(key);
      if (system == null) {
        if (!key.startsWith("$.") && !key.startsWith("iothub-")) {
          b.property(key, value);
        }
        continue;
      }
      switch (system) {
        case CORRELATION_ID -> b.correlationId(value);
        case USER_ID -> b.userId(value);
        case CONTENT_TYPE -> b.contentType(value);
        case CONTENT_ENCODING -> b.contentEncoding(value);
        case CREATION_TIME -> b.creationTimeEpochMillis(epochMillis(value));
        case OUTPUT_NAME -> b.outputName(value);
        case COMPONENT_NAME -> b.componentName(value);
        default -> {
          // $.cdid/$.cmid belong to the upstream connection; cloud-to-device keys have no meaning here.
        }
      }
    }
    return b.build();
  }

  private static @Nullable Long epochMillis(String iso) {
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
