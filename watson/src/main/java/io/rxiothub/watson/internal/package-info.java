/** Implementation details of the watson module (JSON codec, timestamps); not public API. */
@NullMarked
package io.rxiothub.watson.internal;

import org.jspecify.annotations.NullMarked;
