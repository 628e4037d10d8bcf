/** The Watson organisation mode's implementation: registry, rules, auto-registration, HiveMQ glue; not public API. */
@NullMarked
package io.rxiothub.emulator.watson.internal;

import org.jspecify.annotations.NullMarked;
