/** The reactive Azure IoT Hub device SDK: DeviceClient, ModuleClient and their messages. */
@NullMarked
package io.rxiothub.device;

import org.jspecify.annotations.NullMarked;
