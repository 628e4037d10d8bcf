/**
 * The IoT Hub query language as pure code: a hand-written recursive-descent parser to an immutable syntax tree and
 * an evaluator over JSON twins (docs/service-api.md §10). No I/O, no clock, no threads.
 */
@NullMarked
package io.rxiothub.emulator.internal.query;

import org.jspecify.annotations.NullMarked;
