// IoT Plug and Play: reported patches with component sections ("__t": "c") and writable property acks (§17.3).
package io.rxiothub.twin;

import io.rxiothub.twin.internal.DtdlNames;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Makes reported {@link TwinPatch}es that follow the IoT Plug and Play conventions: properties of the default
 * component at the top level, properties of a component inside its section marked {@code "__t": "c"}, and
 * writable property acks as {@code {"value", "ac", "av", "ad"}} objects.
 *
 * <pre>{@code
 * TwinPatch patch = PnpPatch.builder()
 *     .property("serialNumber", "SN-1")
 *     .property("thermostat1", "maxTempSinceLastReboot", 31.5)
 *     .ack(update.ack(WritablePropertyAck.COMPLETED, "applied"))
 *     .build();
 * }</pre>
 */
public final class PnpPatch {

  private PnpPatch() {}

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects properties and acks; a property set twice keeps the last value. */
  public static final class Builder {
    private final Map<String, @Nullable Object> root = new LinkedHashMap<>();
    private final Map<String, Map<String, @Nullable Object>> components = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets property {@code name} of the default component.
     *
     * @throws IllegalArgumentException if {@code name} is not a DTDL name, names a component already in
     *     this patch, or the value is not a twin value
     */
    public Builder property(String name, @Nullable Object value) {
      DtdlNames.check("name", name);
      if (components.containsKey(name)) {
        throw new IllegalArgumentException("name '" + name + "' is a component of this patch already");
      }
      root.put(name, TwinCollection.normalize(name, value));
      return this;
    }

    /**
     * Sets property {@code name} of {@code component}.
     *
     * @throws IllegalArgumentException if a name is not a DTDL name, the component is a property of the
     *     default component in this patch, or the value is not a twin value
     */
    public Builder property(String component, String name, @Nullable Object value) {
      section(component).put(DtdlNames.check("name", name), TwinCollection.normalize(name, value));
      return this;
    }

    /**
     * Adds the ack of a writable property (in its component's section if it has one).
     *
     * @throws IllegalArgumentException if {@code ack} is null or its component clashes as {@link #property}
     *     says
     */
    public Builder ack(WritablePropertyAck ack) {
      if (ack == null) {
        throw new IllegalArgumentException("ack must not be null");
      }
      String component = ack.component();
      if (component == null) {
        return property(ack.name(), ack.body());
      }
      section(component).put(ack.name(), ack.body());
      return this;
    }

    private Map<String, @Nullable Object> section(String component) {
      DtdlNames.check("component", component);
      if (root.containsKey(component)) {
        throw new IllegalArgumentException("component '" + component
            + "' is a property of the default component in this patch already");
      }
      return components.computeIfAbsent(component, k -> new LinkedHashMap<>());
    }

    /**
     * Returns the reported patch.
     *
     * @throws IllegalArgumentException if it breaks a twin limit (see {@link TwinPatch.Builder#build()})
     */
    public TwinPatch build() {
      TwinPatch.Builder patch = TwinPatch.builder();
      for (Map.Entry<String, @Nullable Object> e : root.entrySet()) {
        patch.put(e.getKey(), e.getValue());
      }
      for (Map.Entry<String, Map<String, @Nullable Object>> c : components.entrySet()) {
        TwinCollection.Builder section = TwinCollection.builder().put(WritablePropertyUpdate.COMPONENT_MARKER, "c");
        section.putAll(c.getValue());
        patch.put(c.getKey(), section.build());
      }
      return patch.build();
    }
  }
}
