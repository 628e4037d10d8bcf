/**
 * Azure IoT Device Provisioning Service (DPS) over MQTT as pure code: the CONNECT user name and SAS token, topics,
 * request and response bodies, and the register-then-poll state machine with time passed in. No I/O.
 */
@NullMarked
package io.rxiothub.provisioning;

import org.jspecify.annotations.NullMarked;
