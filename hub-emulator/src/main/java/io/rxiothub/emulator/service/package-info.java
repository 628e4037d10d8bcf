/**
 * The emulator's loopback HTTP service API, a face over {@link io.rxiothub.emulator.HubEmulator}'s public API:
 * {@link io.rxiothub.emulator.service.ServiceApiServer} serves it, a {@link io.rxiothub.emulator.service.ServiceFile}
 * tells other processes where it is, {@link io.rxiothub.emulator.service.ServiceClient} calls it (the {@code rxiothub}
 * command line does). Not the IoT Hub service REST API.
 */
@NullMarked
package io.rxiothub.emulator.service;

import org.jspecify.annotations.NullMarked;
