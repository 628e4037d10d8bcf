/**
 * IoT Hub's service REST API on the emulator's HTTPS route table (docs/service-api.md): SAS policy authentication,
 * registry, twins, direct methods and queries over the hub core.
 */
@NullMarked
package io.rxiothub.emulator.service.internal;

import org.jspecify.annotations.NullMarked;
