/** Implementation details of the gateway client (failures, credentials, event sends); not public API. */
@NullMarked
package io.rxiothub.watson.client.internal;

import org.jspecify.annotations.NullMarked;
