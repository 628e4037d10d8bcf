/** The gateway store's benchmark: group-committed appends, latency under a gateway's load, disk bytes per message. */
@NullMarked
package io.rxiothub.benchmarks.store;

import org.jspecify.annotations.NullMarked;
