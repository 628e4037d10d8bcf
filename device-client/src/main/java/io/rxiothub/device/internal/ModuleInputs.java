// A module's IoT Edge inputs (protocol.md §17.4): the one route on devices/{d}/modules/{m}/inputs/#, its topic
// grammar, and the per-input views of it.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.rxiothub.device.InputMessage;
import io.rxiothub.device.IotHubProtocolException;
import io.rxiothub.sas.PropertyBag;
import io.rxiothub.transport.internal.ClientCore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The inputs of one module client; made at the first {@code inputs()} call. Thread-safe. */
public final class ModuleInputs {

  private static final Logger LOG = LoggerFactory.getLogger(ModuleInputs.class);

  private final String prefix;
  private final String clientId;
  private final Flowable<InputMessage> all;
  /** Subscribers of inputs() (key "") and of inputs(name) by name: a message nobody takes is reported. */
  private final Map<String, AtomicInteger> listeners = new ConcurrentHashMap<>();

  /** Routes {@code core}'s inputs of module {@code moduleId} of {@code deviceId}. */
  public ModuleInputs(ClientCore core, String deviceId, String moduleId) {
    this.prefix = "devices/" + deviceId + "/modules/" + moduleId + "/inputs/";
    this.clientId = deviceId + "/" + moduleId;
    this.all = core.inbound(filter(), publish -> {
      try {
        InputMessage message = decode(publish.topic(), publish.payload());
        if (!heard(message.inputName())) {
          LOG.warn("Module {} received a message on input '{}' but nothing subscribes to inputs() or inputs(\"{}\"):"
              + " it is acknowledged and dropped", clientId, message.inputName(), message.inputName());
        }
        return message;
      } catch (IotHubProtocolException e) {
        LOG.warn("{}", e.getMessage(), e);
        return null;
      }
    });
  }

  /** The subscription filter {@code devices/{d}/modules/{m}/inputs/#}. */
  public String filter() {
    return prefix + "#";
  }

  /**
   * Returns the message of an input topic of this module.
   *
   * @throws IotHubProtocolException if the topic is not an input topic of this module or its bag is malformed
   */
  public InputMessage decode(String topic, byte[] payload) {
    if (!topic.startsWith(prefix) || topic.length() == prefix.length()) {
      throw new IotHubProtocolException("Module " + clientId + " received '" + topic + "', which is not one of its "
          + "input topics (" + prefix + "{input}/{properties}); the message is skipped", null);
    }
    int slash = topic.indexOf('/', prefix.length());
    String input = slash < 0 ? topic.substring(prefix.length()) : topic.substring(prefix.length(), slash);
    String bag = slash < 0 ? "" : topic.substring(slash + 1);
    if (bag.endsWith("/")) {
      bag = bag.substring(0, bag.length() - 1);
    }
    if (input.isEmpty()) {
      throw new IotHubProtocolException("Module " + clientId + " received '" + topic + "' with an empty input name;"
          + " the message is skipped", null);
    }
    Map<String, @Nullable String> properties;
    try {
      properties = PropertyBag.decode(bag);
    } catch (IllegalArgumentException e) {
      throw new IotHubProtocolException("Malformed input message for module " + clientId + " on topic '" + topic
          + "': " + e.getMessage() + "; the message is skipped", e);
    }
    InputMessage.Builder b = InputMessage.builder(input).payload(payload);
    for (Map.Entry<String, @Nullable String> e : properties.entrySet()) {
      b.property(e.getKey(), e.getValue());
    }
    return b.build();
  }

  /** Every input's messages (hot). */
  public Flowable<InputMessage> all() {
    return counted("", all);
  }

  /** The messages of input {@code name} (hot). */
  public Flowable<InputMessage> input(String name) {
    return counted(name, all.filter(m -> m.inputName().equals(name)));
  }

  private Flowable<InputMessage> counted(String key, Flowable<InputMessage> source) {
    return source
        .doOnSubscribe(s -> listeners.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet())
        .doFinally(() -> listeners.get(key).decrementAndGet());
  }

  private boolean heard(String input) {
    AtomicInteger any = listeners.get("");
    AtomicInteger named = listeners.get(input);
    return (any != null && any.get() > 0) || (named != null && named.get() > 0);
  }
}
