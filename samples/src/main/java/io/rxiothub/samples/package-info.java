/** The rxiothub command line and example programs. */
@NullMarked
package io.rxiothub.samples;

import org.jspecify.annotations.NullMarked;
