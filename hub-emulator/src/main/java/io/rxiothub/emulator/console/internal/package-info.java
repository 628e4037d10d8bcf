/**
 * The emulator's web console (docs/console.md): static pages served under {@code /console/}, the page registry, and
 * the few emulator-only routes the pages need beside IoT Hub's service REST API (connections, C2D delivery states,
 * faults). The pages call the REST API with a SAS token the browser derives from the hub's service credentials.
 */
@NullMarked
package io.rxiothub.emulator.console.internal;

import org.jspecify.annotations.NullMarked;
