/** The store's implementations and record format: not API. */
@NullMarked
package io.rxiothub.gateway.store.internal;

import org.jspecify.annotations.NullMarked;
