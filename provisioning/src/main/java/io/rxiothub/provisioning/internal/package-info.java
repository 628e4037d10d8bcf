/** Implementation details of the provisioning module (the JSON codec); not public API. */
@NullMarked
package io.rxiothub.provisioning.internal;

import org.jspecify.annotations.NullMarked;
