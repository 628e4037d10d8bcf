/** Implementation details of the methods module (JSON syntax check, UTF-8, bag reading); not public API. */
@NullMarked
package io.rxiothub.methods.internal;

import org.jspecify.annotations.NullMarked;
