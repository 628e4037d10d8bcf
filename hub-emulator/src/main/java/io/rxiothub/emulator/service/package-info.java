/**
 * The client side of the emulator's service REST API for rxiothub's own tools: a {@link
 * io.rxiothub.emulator.service.ServiceFile} tells other processes where a running emulator serves it (one file per
 * emulator), a {@link io.rxiothub.emulator.service.ServiceClient} calls it (the {@code rxiothub} command line does).
 * The API itself is IoT Hub's (docs/service-api.md).
 */
@NullMarked
package io.rxiothub.emulator.service;

import org.jspecify.annotations.NullMarked;
