// The attribute lists of device-management requests (docs/protocol.md §14.10): device/update's fields with values,
// observe's and cancel's field names, notify's one field and value, observe's response.
package io.rxiothub.watson;

import io.rxiothub.watson.internal.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the {@code d} of the attribute operations (RTD-DM): {@code device/update}
 * {@code {"fields":[{"field":…,"value":…}]}}, {@code observe} {@code {"fields":["…"]}}, {@code cancel}
 * {@code {"fields":["…"]}} or, as RTD-DM's firmware example writes it, {@code {"data":[{"field":"…"}]}}, and
 * {@code notify} {@code {"field":…,"value":…}}. Values are kept as compact JSON text. Stateless.
 */
public final class DmFields {

  private DmFields() {}

  /**
   * Returns the attribute names of an observe or cancel {@code d}: strings or {@code {"field":…}} objects under
   * {@code fields} or {@code data}.
   *
   * @throws IllegalArgumentException naming the member when {@code d} has neither list or an item is not a name
   */
  public static List<String> names(@Nullable String dataJson) {
    List<?> items = list(dataJson, "fields", "data");
    List<String> names = new ArrayList<>(items.size());
    for (Object item : items) {
      if (item instanceof String) {
        names.add((String) item);
      } else if (item instanceof Map && ((Map<?, ?>) item).get("field") instanceof String) {
        names.add((String) ((Map<?, ?>) item).get("field"));
      } else {
        throw new IllegalArgumentException("d.fields items must be attribute names or {\"field\": name}");
      }
    }
    return Collections.unmodifiableList(names);
  }

  /**
   * Returns the attributes of a device/update {@code d}, in order: name to value as compact JSON.
   *
   * @throws IllegalArgumentException naming the member when {@code d.fields} is missing or an item lacks its
   *     {@code field} or {@code value}
   */
  public static Map<String, String> values(@Nullable String dataJson) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Object item : list(dataJson, "fields", "fields")) {
      if (!(item instanceof Map) || !(((Map<?, ?>) item).get("field") instanceof String)
          || !((Map<?, ?>) item).containsKey("value")) {
        throw new IllegalArgumentException("d.fields items must be {\"field\": name, \"value\": value}");
      }
      Map<?, ?> field = (Map<?, ?>) item;
      values.put((String) field.get("field"), Json.write(field.get("value")));
    }
    return Collections.unmodifiableMap(values);
  }

  /**
   * Returns the one attribute of a notify {@code d}: its name and value as compact JSON.
   *
   * @throws IllegalArgumentException naming the member when {@code field} or {@code value} is missing
   */
  public static Map.Entry<String, String> notified(@Nullable String dataJson) {
    if (dataJson == null) {
      throw new IllegalArgumentException("a notify needs d with field and value");
    }
    Map<String, Object> d = Json.parseObject(dataJson, "notify d");
    Object field = d.get("field");
    if (!(field instanceof String) || !d.containsKey("value")) {
      throw new IllegalArgumentException("a notify's d needs a string member field and a member value");
    }
    return new java.util.AbstractMap.SimpleImmutableEntry<>((String) field, Json.write(d.get("value")));
  }

  /**
   * Returns the {@code d} of a notify of attribute {@code field} with {@code valueJson}.
   *
   * @throws IllegalArgumentException if {@code field} is null or {@code valueJson} is not JSON
   */
  public static String notify(String field, String valueJson) {
    if (field == null) {
      throw new IllegalArgumentException("field must not be null");
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("field", field);
    d.put("value", value(valueJson));
    return Json.write(d);
  }

  /**
   * Returns a {@code d} of {@code {"fields":[{"field":…,"value":…}]}} (device/update requests, observe responses)
   * from names and values as JSON text.
   *
   * @throws IllegalArgumentException if a value is not JSON
   */
  public static String fields(Map<String, String> values) {
    if (values == null) {
      throw new IllegalArgumentException("values must not be null");
    }
    List<Object> items = new ArrayList<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("field", e.getKey());
      item.put("value", value(e.getValue()));
      items.add(item);
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("fields", items);
    return Json.write(d);
  }

  /** Returns the {@code d} of an observe or cancel of {@code names}: {@code {"fields":["…"]}}. */
  public static String names(List<String> names) {
    if (names == null) {
      throw new IllegalArgumentException("names must not be null");
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("fields", new ArrayList<Object>(names));
    return Json.write(d);
  }

  private static Object value(String valueJson) {
    if (valueJson == null) {
      throw new IllegalArgumentException("valueJson must not be null");
    }
    return Json.parseObject("{\"v\":" + valueJson + "}", "attribute value").get("v");
  }

  private static List<?> list(@Nullable String dataJson, String member, String alternative) {
    if (dataJson == null) {
      throw new IllegalArgumentException("the request needs d." + member);
    }
    Map<String, Object> d = Json.parseObject(dataJson, "request d");
    Object items = d.containsKey(member) ? d.get(member) : d.get(alternative);
    if (!(items instanceof List)) {
      throw new IllegalArgumentException("the request's d." + member + " must be a list");
    }
    return (List<?>) items;
  }
}
