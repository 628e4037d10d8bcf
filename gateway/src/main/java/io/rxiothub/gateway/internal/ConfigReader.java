// The configuration file's grammar: YAML composed with line marks, every key checked, errors naming the line.
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.GatewayConfig;
import io.rxiothub.gateway.GatewayConfigException;
import io.rxiothub.gateway.LeafDevice;
import io.rxiothub.gateway.LeafProvisioning;
import io.rxiothub.gateway.StoreOverflow;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the configuration file; see the gateway README for its keys. */
public final class ConfigReader {

  private static final Set<String> TOP = Set.of("gateway", "metrics", "store", "azure", "watson");
  private static final Set<String> GATEWAY = Set.of("hostName", "bindAddress", "mqttPort", "tlsPort", "tls",
      "dataDirectory", "shutdownDrainMillis", "maxPendingPerLeaf", "maxPendingBytes");
  private static final Set<String> TLS = Set.of("certificateFile", "keyFile");
  private static final Set<String> METRICS = Set.of("bindAddress", "port");
  private static final Set<String> STORE = Set.of("maxBytes", "maxAgeSeconds", "overflow");
  private static final Set<String> AZURE = Set.of("hostName", "port", "connectHost", "caFile", "leaves",
      "provisioning");
  private static final Set<String> PROVISIONING = Set.of("idScope", "globalEndpoint", "port", "caFile", "groupKey");
  private static final Set<String> LEAF = Set.of("deviceId", "moduleId", "key", "password");

  private final String source;
  private final Path base;
  private final Map<String, String> environment;

  private ConfigReader(String source, Path base, Map<String, String> environment) {
    this.source = source;
    this.base = base;
    this.environment = environment;
  }

  /** Reads {@code text}. */
  public static GatewayConfig read(String text, String source, Path base, Map<String, String> environment) {
    return new ConfigReader(source, base, environment).read(text);
  }

  private GatewayConfig read(String text) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10);
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new GatewayConfigException(source + ":" + line + ": not valid YAML/JSON: " + e.getProblem(), line);
    } catch (YAMLException e) {
      throw new GatewayConfigException(source + ": not valid YAML/JSON: " + e.getMessage(), 0);
    }
    if (root == null) {
      throw new GatewayConfigException(source + ": the file is empty; it needs 'azure' (hostName and leaves) or "
          + "'watson' (orgId, gateway and leaves)", 0);
    }
    Map<String, Node> top = mapping(root, "the file", TOP);
    GatewayConfig.Builder b = GatewayConfig.builder();
    Map<String, Node> gateway = optionalMapping(top.get("gateway"), "gateway", GATEWAY);
    apply(gateway, "hostName", n -> b.hostName(text(n)));
    apply(gateway, "bindAddress", n -> b.bindAddress(text(n)));
    apply(gateway, "mqttPort", n -> b.mqttPort((int) number(n, -1, 65535)));
    apply(gateway, "tlsPort", n -> b.tlsPort((int) number(n, -1, 65535)));
    apply(gateway, "dataDirectory", n -> b.dataDirectory(path(n)));
    apply(gateway, "shutdownDrainMillis", n -> b.shutdownDrainMillis(number(n, 0, Long.MAX_VALUE)));
    apply(gateway, "maxPendingPerLeaf", n -> b.maxPendingPerLeaf((int) number(n, 1, 65_535)));
    apply(gateway, "maxPendingBytes", n -> b.maxPendingBytes(number(n, 65_536, Long.MAX_VALUE)));
    if (gateway.get("tls") != null) {
      Map<String, Node> tls = mapping(gateway.get("tls"), "gateway.tls", TLS);
      Node cert = required(tls, "certificateFile", gateway.get("tls"), "gateway.tls");
      Node key = required(tls, "keyFile", gateway.get("tls"), "gateway.tls");
      b.tlsCertificate(path(cert), path(key));
    }
    Map<String, Node> metrics = optionalMapping(top.get("metrics"), "metrics", METRICS);
    if (!metrics.isEmpty()) {
      String bind = metrics.containsKey("bindAddress") ? text(metrics.get("bindAddress")) : "127.0.0.1";
      int port = metrics.containsKey("port") ? (int) number(metrics.get("port"), -1, 65535) : 9464;
      guard(top.get("metrics"), () -> b.metrics(bind, port));
    }
    Map<String, Node> store = optionalMapping(top.get("store"), "store", STORE);
    if (!store.isEmpty()) {
      long maxBytes = store.containsKey("maxBytes") ? number(store.get("maxBytes"), 1024, Long.MAX_VALUE)
          : 256L * 1024 * 1024;
      long maxAge = store.containsKey("maxAgeSeconds") ? number(store.get("maxAgeSeconds"), 1, Long.MAX_VALUE)
          : 7L * 24 * 3600;
      StoreOverflow overflow = store.containsKey("overflow") ? overflow(store.get("overflow"))
          : StoreOverflow.REJECT_NEW;
      guard(top.get("store"), () -> b.store(maxBytes, maxAge, overflow));
    }
    Node azureNode = top.get("azure");
    if (azureNode == null && top.get("watson") == null) {
      throw fail(root, "'azure' is missing, and so is 'watson': the upstream hub (hostName) and its leaves, or the"
          + " Watson IoT organisation, gateway and leaves");
    }
    if (top.get("watson") != null) {
      Node watson = top.get("watson");
      guard(watson, () -> b.watson(WatsonSection.read(this, watson)));
    }
    if (azureNode != null) {
      azure(azureNode, b);
    }
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw fail(root, e.getMessage());
    }
  }

  private void azure(Node azureNode, GatewayConfig.Builder b) {
    Map<String, Node> azure = mapping(azureNode, "azure", AZURE);
    Node host = required(azure, "hostName", azureNode, "azure");
    int port = azure.containsKey("port") ? (int) number(azure.get("port"), 1, 65535) : 8883;
    guard(host, () -> b.hub(text(host), port));
    apply(azure, "connectHost", n -> b.hubConnectHost(text(n)));
    apply(azure, "caFile", n -> b.hubCaFile(path(n)));
    Node provisioning = azure.get("provisioning");
    if (provisioning != null) {
      guard(provisioning, () -> b.provisioning(provisioning(provisioning)));
    }
    Node leaves = provisioning != null && !azure.containsKey("leaves") ? null
        : required(azure, "leaves", azureNode, "azure (or 'provisioning')");
    if (leaves != null && (!(leaves instanceof SequenceNode) || ((SequenceNode) leaves).getValue().isEmpty())) {
      throw fail(leaves, "azure.leaves must be a non-empty list of {deviceId, key[, password]}");
    }
    List<Node> items = leaves == null ? List.of() : ((SequenceNode) leaves).getValue();
    Map<String, Node> seen = new LinkedHashMap<>();
    for (Node item : items) {
      Map<String, Node> leaf = mapping(item, "a leaf", LEAF);
      Node id = required(leaf, "deviceId", item, "a leaf");
      Node key = required(leaf, "key", item, "leaf '" + text(id) + "'");
      String clientId = text(id) + (leaf.containsKey("moduleId") ? "/" + text(leaf.get("moduleId")) : "");
      Node first = seen.putIfAbsent(clientId, id);
      if (first != null) {
        throw fail(id, "leaf device id '" + clientId + "' is configured twice (first at line "
            + (first.getStartMark().getLine() + 1) + ")");
      }
      String password = leaf.containsKey("password") ? secret(leaf.get("password"), "password") : null;
      String keyValue = secret(key, "key");
      guard(item, () -> b.leaf(leaf.containsKey("moduleId")
          ? LeafDevice.module(text(id), text(leaf.get("moduleId")), keyValue, password)
          : LeafDevice.of(text(id), keyValue, password)));
    }
  }

  private LeafProvisioning provisioning(Node node) {
    Map<String, Node> map = mapping(node, "azure.provisioning", PROVISIONING);
    LeafProvisioning.Builder p = LeafProvisioning.builder();
    Node scope = required(map, "idScope", node, "azure.provisioning");
    guard(scope, () -> p.idScope(text(scope)));
    Node group = required(map, "groupKey", node, "azure.provisioning");
    String key = secret(group, "groupKey");
    guard(group, () -> p.groupKey(key));
    String host = map.containsKey("globalEndpoint") ? text(map.get("globalEndpoint"))
        : "global.azure-devices-provisioning.net";
    int port = map.containsKey("port") ? (int) number(map.get("port"), 1, 65535) : 8883;
    guard(node, () -> p.endpoint(host, port));
    apply(map, "caFile", n -> p.caFile(path(n)));
    return p.build();
  }

  interface NodeAction {
    void apply(Node node);
  }

  void apply(Map<String, Node> map, String key, NodeAction action) {
    Node node = map.get(key);
    if (node != null) {
      guard(node, () -> action.apply(node));
    }
  }

  void guard(Node node, Runnable action) {
    try {
      action.run();
    } catch (GatewayConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw fail(node, e.getMessage());
    }
  }

  private Map<String, Node> optionalMapping(@Nullable Node node, String what, Set<String> keys) {
    return node == null ? Map.of() : mapping(node, what, keys);
  }

  Map<String, Node> mapping(Node node, String what, Set<String> keys) {
    if (!(node instanceof MappingNode mapping)) {
      throw fail(node, what + " must be a mapping of keys (" + String.join(", ", keys) + ")");
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = text(tuple.getKeyNode());
      if (!keys.contains(key)) {
        throw fail(tuple.getKeyNode(), "unknown key '" + key + "' in " + what + "; expected one of "
            + String.join(", ", keys.stream().sorted().toList()));
      }
      out.put(key, tuple.getValueNode());
    }
    return out;
  }

  Node required(Map<String, Node> map, String key, Node parent, String what) {
    Node node = map.get(key);
    if (node == null) {
      throw fail(parent, what + " needs '" + key + "'");
    }
    return node;
  }

  String text(Node node) {
    if (!(node instanceof ScalarNode scalar)) {
      throw fail(node, "expected a single value here, not a list or mapping");
    }
    String value = scalar.getValue();
    if (value.isEmpty()) {
      throw fail(node, "the value is empty");
    }
    return value;
  }

  String secret(Node node, String what) {
    String value = text(node);
    if (value.startsWith("env:")) {
      String name = value.substring(4);
      String fromEnv = environment.get(name);
      if (fromEnv == null || fromEnv.isEmpty()) {
        throw fail(node, what + " names environment variable '" + name + "', which is not set");
      }
      return fromEnv;
    }
    return value;
  }

  long number(Node node, long min, long max) {
    String value = text(node);
    long n;
    try {
      n = Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw fail(node, "'" + value + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw fail(node, n + " is out of range " + min + ".." + max);
    }
    return n;
  }

  private StoreOverflow overflow(Node node) {
    String value = text(node);
    try {
      return StoreOverflow.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw fail(node, "overflow '" + value + "' is not REJECT_NEW or DROP_OLDEST");
    }
  }

  Path path(Node node) {
    return base.resolve(text(node)).normalize();
  }

  GatewayConfigException fail(Node node, String rule) {
    int line = node.getStartMark().getLine() + 1;
    return new GatewayConfigException(source + ":" + line + ": " + rule, line);
  }
}
