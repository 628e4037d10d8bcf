/** The adapter on the HiveMQ MQTT client: the only package where HiveMQ, Netty and RxJava 2 appear. */
@NullMarked
package io.rxiothub.transport.internal.hivemq;

import org.jspecify.annotations.NullMarked;
