// The Will of a CONNECT, kept with the connection and captured as telemetry when the connection is lost.
package io.rxiothub.emulator.internal;

/** The Will of a CONNECT. */
public record Will(String topic, byte[] payload, boolean retain) {}
