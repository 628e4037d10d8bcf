/** SVG charts of the benchmark results, written next to their JSON (no chart library). */
@NullMarked
package io.rxiothub.benchmarks.charts;

import org.jspecify.annotations.NullMarked;
