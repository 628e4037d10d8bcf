/**
 * The field gateway's end-to-end benchmark (issue 20): leaves x messages/s through the gateway to the hub emulator,
 * the latency the gateway adds, heap and threads per leaf, disk bytes per queued message.
 */
@NullMarked
package io.rxiothub.benchmarks.gateway;

import org.jspecify.annotations.NullMarked;
