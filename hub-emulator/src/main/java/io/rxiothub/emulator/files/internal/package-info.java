/** The file upload face's routes, SAS signing and in-memory blobs; not API. */
@NullMarked
package io.rxiothub.emulator.files.internal;

import org.jspecify.annotations.NullMarked;
