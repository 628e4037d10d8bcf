/**
 * The field gateway: leaf devices connect to its embedded MQTT broker as they would to IoT Hub through a
 * transparent gateway ({@code GatewayHostName}); their telemetry is stored durably, acknowledged, and
 * forwarded upstream in order per leaf; twin, methods and cloud-to-device messages are carried both ways
 * (protocol.md §18). Start one with {@link io.rxiothub.gateway.Gateway#start(GatewayConfig)}.
 */
@NullMarked
package io.rxiothub.gateway;

import org.jspecify.annotations.NullMarked;
