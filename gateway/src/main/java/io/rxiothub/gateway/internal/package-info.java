/** The gateway's broker, relays, forwarders, configuration reader and metrics; not API. */
@NullMarked
package io.rxiothub.gateway.internal;

import org.jspecify.annotations.NullMarked;
