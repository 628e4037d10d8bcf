/**
 * The emulator's one HTTPS route table, served on its WebSocket port beside MQTT over WebSocket (as the real hub
 * serves REST and MQTT-WS on 443). Faces of the emulator (the IoT Hub service REST API, and later file upload, a
 * web console, DPS) plug in here without touching each other: {@link io.rxiothub.emulator.http.HttpRoutes#add}
 * a method and a path template with a {@link io.rxiothub.emulator.http.HttpHandler}. See docs/service-api.md §9.
 */
@NullMarked
package io.rxiothub.emulator.http;

import org.jspecify.annotations.NullMarked;
