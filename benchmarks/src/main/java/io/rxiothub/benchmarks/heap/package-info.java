/** Heap attribution of idle clients: a small HPROF reader, owner attribution, the two-size difference. */
@NullMarked
package io.rxiothub.benchmarks.heap;

import org.jspecify.annotations.NullMarked;
