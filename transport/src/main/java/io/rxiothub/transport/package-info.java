/**
 * What a dialect gives the transport: its CONNECT credentials ({@link ConnectCredentials}), its errors
 * ({@link Failures}), and what the transport reports back ({@link TransportState}). The transport knows
 * no topic of any dialect: subscriptions and inbound decoding are the dialect's.
 */
@NullMarked
package io.rxiothub.transport;

import org.jspecify.annotations.NullMarked;
