// What a dialect tells a send stream about its messages: topic, payload, and the result type it emits.
package io.rxiothub.transport.internal;

/**
 * Turns a dialect's messages into sends for {@link SendStream}. The send it makes is the result
 * the stream emits, so it is a subclass of {@link PendingSend} that implements the dialect's result
 * type {@code R}: a stream costs no allocation per message beyond the send itself.
 *
 * @param <M> the dialect's message
 */
public interface SendFactory<M> {

  /**
   * Returns the topic of {@code message}.
   *
   * @throws RuntimeException if the dialect refuses the message (too large, bad property): the
   *     message then fails alone, with this error; see {@link io.rxiothub.transport.Failures}
   */
  String topic(M message);

  /** Returns the payload of {@code message}, without a copy. */
  byte[] payload(M message);

  /**
   * Returns the send of {@code message} to {@code topic} whose outcome goes to {@code sink}; a
   * message that already failed gets an empty topic and payload.
   */
  PendingSend newSend(ClientCore core, M message, String topic, byte[] payload, SendSink sink);
}
