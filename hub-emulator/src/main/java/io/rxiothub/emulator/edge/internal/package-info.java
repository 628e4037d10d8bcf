/** The edgeHub's router and the workload API server; not API. */
@NullMarked
package io.rxiothub.emulator.edge.internal;

import org.jspecify.annotations.NullMarked;
