/** The emulator's implementation: broker extension, hub state, TLS material and Netty front. Not API. */
@NullMarked
package io.rxiothub.emulator.internal;

import org.jspecify.annotations.NullMarked;
