/** Direct-method protocol as pure code: request and response values, topic grammar, dispatch. */
@NullMarked
package io.rxiothub.methods;

import org.jspecify.annotations.NullMarked;
