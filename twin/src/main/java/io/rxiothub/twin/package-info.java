/** Device twin protocol as pure code: twin values, patches, topic grammar, request correlation and desired-state tracking. */
@NullMarked
package io.rxiothub.twin;

import org.jspecify.annotations.NullMarked;
