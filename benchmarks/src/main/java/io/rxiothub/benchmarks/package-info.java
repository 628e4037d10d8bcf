/** Benchmarks of rxiothub against the raw HiveMQ client and the official Azure device SDK. */
@NullMarked
package io.rxiothub.benchmarks;

import org.jspecify.annotations.NullMarked;
