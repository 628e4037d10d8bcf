/**
 * A reactive IBM Watson IoT Platform gateway ({@link io.rxiothub.watson.client.GatewayClient}) on the rxiothub
 * transport: events for itself and devices behind it, commands, notifications; reconnect, resubscribe, offline queue.
 */
@NullMarked
package io.rxiothub.watson.client;

import org.jspecify.annotations.NullMarked;
