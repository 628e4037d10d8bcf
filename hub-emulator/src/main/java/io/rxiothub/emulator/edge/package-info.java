/**
 * The emulator's IoT Edge side (docs/protocol.md §17.4-17.6): an edgeHub that routes module outputs to other modules'
 * inputs or upstream by Edge routes ({@link io.rxiothub.emulator.edge.EdgeRoute}), and a workload API on loopback HTTP
 * that signs SAS tokens with a module's key and serves the emulator's CA as the trust bundle.
 */
@NullMarked
package io.rxiothub.emulator.edge;

import org.jspecify.annotations.NullMarked;
