/**
 * The hub emulator's IBM Watson IoT Platform organisation mode (docs/protocol.md §14): devices, gateways and
 * applications over MQTT, topic rules, auto-registration, notifications, commands and captured events.
 */
@NullMarked
package io.rxiothub.emulator.watson;

import org.jspecify.annotations.NullMarked;
