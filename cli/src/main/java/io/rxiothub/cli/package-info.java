/** The rxiothub command line. */
@NullMarked
package io.rxiothub.cli;

import org.jspecify.annotations.NullMarked;
