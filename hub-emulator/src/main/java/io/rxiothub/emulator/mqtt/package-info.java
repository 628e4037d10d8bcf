/**
 * MQTT 3.1.1 control packets as bytes: {@link io.rxiothub.emulator.mqtt.MqttPacket} splits a byte stream into
 * packets and decodes them. The emulator's front server reads CONNECTs, PUBLISHes and PUBACKs through it for fault
 * injection; the {@code rxiothub} command line's wire tap prints every packet through it.
 */
@NullMarked
package io.rxiothub.emulator.mqtt;

import org.jspecify.annotations.NullMarked;
