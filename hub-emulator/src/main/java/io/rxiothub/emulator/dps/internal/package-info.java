/** The DPS endpoint's rules and its MQTT server on Netty; not public API. */
@NullMarked
package io.rxiothub.emulator.dps.internal;

import org.jspecify.annotations.NullMarked;
