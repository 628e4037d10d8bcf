/** Connection strings and SAS tokens for Azure IoT Hub devices: parsing, signing, verifying. Pure code, no I/O. */
@NullMarked
package io.rxiothub.sas;

import org.jspecify.annotations.NullMarked;
