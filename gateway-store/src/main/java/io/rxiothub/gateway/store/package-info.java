/**
 * The field gateway's store-and-forward queue: {@link io.rxiothub.gateway.store.ForwardStore} keeps telemetry a
 * leaf device sent, per device in arrival order, until the cloud acknowledged it; durable on disk (group commit) or in
 * memory, bounded by size and age with an {@link io.rxiothub.gateway.store.OverflowPolicy}.
 */
@NullMarked
package io.rxiothub.gateway.store;

import org.jspecify.annotations.NullMarked;
