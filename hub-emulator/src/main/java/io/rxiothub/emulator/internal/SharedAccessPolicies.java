// The hub's five default shared access policies and their permissions (docs/service-api.md §3).
package io.rxiothub.emulator.internal;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Which permission each policy grants; a new hub gets each policy with a random key. */
public final class SharedAccessPolicies {

  /** IoT Hub's permissions. */
  public enum Permission {
    REGISTRY_READ("RegistryRead"),
    REGISTRY_WRITE("RegistryWrite"),
    SERVICE_CONNECT("ServiceConnect"),
    DEVICE_CONNECT("DeviceConnect");

    private final String wireName;

    Permission(String wireName) {
      this.wireName = wireName;
    }

    /** The name the hub's docs use. */
    public String wireName() {
      return wireName;
    }
  }

  private static final Map<String, Set<Permission>> DEFAULTS;

  static {
    Map<String, Set<Permission>> map = new LinkedHashMap<>();
    map.put("iothubowner", Collections.unmodifiableSet(EnumSet.allOf(Permission.class)));
    map.put("service", Collections.unmodifiableSet(EnumSet.of(Permission.SERVICE_CONNECT)));
    map.put("device", Collections.unmodifiableSet(EnumSet.of(Permission.DEVICE_CONNECT)));
    map.put("registryRead", Collections.unmodifiableSet(EnumSet.of(Permission.REGISTRY_READ)));
    map.put("registryReadWrite",
        Collections.unmodifiableSet(EnumSet.of(Permission.REGISTRY_READ, Permission.REGISTRY_WRITE)));
    DEFAULTS = Collections.unmodifiableMap(map);
  }

  private SharedAccessPolicies() {}

  /** Gives {@code registry} every default policy it lacks, each with a fresh random key. */
  public static void ensureDefaults(RegistryStore registry) {
    for (String name : DEFAULTS.keySet()) {
      if (registry.policyKey(name) == null) {
        registry.putPolicy(name, RegistryStore.newKey());
      }
    }
  }

  /** The permissions of a policy (empty for a name that is not a default policy). */
  public static Set<Permission> permissions(String policyName) {
    Set<Permission> permissions = DEFAULTS.get(policyName);
    return permissions == null ? Collections.emptySet() : permissions;
  }

  /** Whether a policy's tokens may connect devices. */
  public static boolean canConnectDevices(String policyName) {
    return permissions(policyName).contains(Permission.DEVICE_CONNECT);
  }
}
