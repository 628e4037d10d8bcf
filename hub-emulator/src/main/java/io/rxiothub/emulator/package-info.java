/** A local Azure IoT Hub device endpoint on embedded HiveMQ CE, with a service API and a JUnit 5 extension. */
@NullMarked
package io.rxiothub.emulator;

import org.jspecify.annotations.NullMarked;
