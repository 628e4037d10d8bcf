/**
 * The transport's machinery: connection lifecycle, queue, routes, signals, threads, TLS. Internal: used
 * by rxiothub's own dialects, no compatibility promise.
 */
@NullMarked
package io.rxiothub.transport.internal;

import org.jspecify.annotations.NullMarked;
