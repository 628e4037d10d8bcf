/**
 * The emulator's Device Provisioning Service endpoint (protocol.md §15.4): an ID scope, enrollments, allocation to
 * the emulator's hub, over MQTT on a listener of its own.
 */
@NullMarked
package io.rxiothub.emulator.dps;

import org.jspecify.annotations.NullMarked;
