/**
 * IBM Watson IoT Platform dialect as pure code: client ids, id rules, topics (build, parse, filters), gateway
 * notifications, device-management requests and responses, and {@code reqId} correlation with time passed in.
 * No I/O: the client and the emulator bring the network.
 */
@NullMarked
package io.rxiothub.watson;

import org.jspecify.annotations.NullMarked;
