/** Implementation of the device client: protocol encoding, connection state machine, transport. */
@NullMarked
package io.rxiothub.device.internal;

import org.jspecify.annotations.NullMarked;
