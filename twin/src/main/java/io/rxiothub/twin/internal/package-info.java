/** Implementation details of the twin module (JSON codec, limits, bag decoding, diff); not public API. */
@NullMarked
package io.rxiothub.twin.internal;

import org.jspecify.annotations.NullMarked;
